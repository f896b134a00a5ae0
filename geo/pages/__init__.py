"""A page for every feature and every layer: the facts of the popup as text that reads without script, in three
languages, with citations, structured data and downloads of the one feature. Written by the static build and served."""
