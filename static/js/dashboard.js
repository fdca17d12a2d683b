// Coverage and unmet-demand maps, on the base map of basemap.js.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("dashboard-maps");
  if (!source || !window.L) return;
  const data = JSON.parse(source.textContent);
  function draw(id, points, style) {
    const holder = document.getElementById(id);
    if (!holder || !points.length) return;
    const map = L.map(holder, { preferCanvas: true });
    window.o2oBaseMap && window.o2oBaseMap(map);
    const bounds = [];
    points.forEach((p) => { style(p).addTo(map); bounds.push([p.lat, p.lng]); });
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 11 });
  }
  draw("coverage-map", data.coverage.map((o) => ({ lat: o.latitude, lng: o.longitude, name: o.name })),
       (p) => L.circleMarker([p.lat, p.lng], { radius: 3, color: "#0b5cad" }).bindTooltip(p.name));
  const peak = Math.max(1, ...data.unmet.map((c) => c.searches));
  draw("unmet-map", data.unmet.map((c) => ({ lat: c.cell_lat, lng: c.cell_lng, n: c.searches, sku: c.variant__sku, place: c.place })),
       (p) => L.circleMarker([p.lat, p.lng], { radius: 4 + 14 * p.n / peak, color: "#a4161a" })
         .bindTooltip(p.place + " · " + p.sku + ": " + p.n));
});
