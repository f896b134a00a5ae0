"""Downloads: the catalog and each layer as GeoJSON."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from web.deps import PublishedDep
from web.responses import prepared_response

router = APIRouter(prefix="/api", tags=["downloads"])


@router.get("/layers/{layer_id}.geojson", response_class=Response, summary="One layer as RFC 7946 GeoJSON",
            responses={200: {"content": {"application/geo+json": {}}}, 404: {"description": "Unknown layer"}})
def layer_geojson(layer_id: str, request: Request, published: PublishedDep) -> Response:
    prepared = published.layer_geojson.get(layer_id)
    if prepared is None:
        raise HTTPException(404, f"no layer {layer_id!r}")
    return prepared_response(request, prepared,
                             {"Content-Disposition": f'attachment; filename="{layer_id}.geojson"'})
