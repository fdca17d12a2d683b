// The base layer under every map. With a tile server configured (O2O_MAP_TILE_URL) its
// tiles; otherwise, offline, the vendored country and state outlines (Natural Earth) and
// labels for big cities (GeoNames), enough to see where a pin is.
(function () {
  const cache = {};
  function fetchJSON(url) {
    if (!cache[url]) cache[url] = fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    return cache[url];
  }
  function config() {
    const node = document.getElementById("map-config");
    return node ? JSON.parse(node.textContent) : {};
  }
  function outline(topo, style) {
    if (!topo || !window.topojson) return null;
    const name = Object.keys(topo.objects)[0];
    return L.geoJSON(topojson.feature(topo, topo.objects[name]), { style: style, interactive: false });
  }
  window.o2oBaseMap = function (map) {
    const settings = config();
    const container = map.getContainer();
    if (settings.tiles) {
      L.tileLayer(settings.tiles, { attribution: settings.attribution, maxZoom: 19 }).addTo(map);
      return;
    }
    container.classList.add("offline-base");
    map.attributionControl && map.attributionControl.addAttribution(settings.offline_attribution);
    fetchJSON(settings.countries).then((topo) => {
      const layer = outline(topo, { color: "#8a94a0", weight: 1, fillColor: "#f3efe6", fillOpacity: 1 });
      if (layer) { layer.addTo(map); layer.bringToBack(); container.dataset.base = "outlines"; }
    });
    (settings.states || []).forEach((url) => {
      fetchJSON(url).then((topo) => {
        const layer = outline(topo, { color: "#b3bac2", weight: 0.7, dashArray: "3 3", fill: false });
        if (layer) layer.addTo(map);
      });
    });
    const labels = L.layerGroup();
    fetchJSON(settings.labels).then((data) => {
      (data && data.cities || []).forEach(([name, lat, lng, population]) => {
        const icon = L.divIcon({ className: "city-label", html: "", iconSize: [6, 6] });
        const marker = L.marker([lat, lng], { icon: icon, interactive: false, keyboard: false });
        marker.bindTooltip(name, { permanent: true, direction: "right", className: "city-name" });
        marker.population = population;
        labels.addLayer(marker);
      });
      const show = () => {
        const zoom = map.getZoom();
        const floor = zoom >= 9 ? 0 : zoom >= 7 ? 750000 : zoom >= 5 ? 3000000 : 8000000;
        labels.eachLayer((m) => {
          const visible = m.population >= floor && map.getBounds().pad(0.2).contains(m.getLatLng());
          if (visible && !map.hasLayer(m)) m.addTo(map);
          if (!visible && map.hasLayer(m)) map.removeLayer(m);
        });
      };
      map.on("zoomend moveend", show);
      show();
    });
  };
})();
