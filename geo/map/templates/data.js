{#- Data a section of the map loads when it needs it: a script, so that it loads from disk as well as served. -#}
CQAtlas.receive({{ this.name|tojson }}, {{ this.data_json }});
