/* The profile's service-area map (progressive enhancement): a click on the map sets the centre's
 * latitude and longitude fields, and the circle follows the radius field. Without JavaScript (or
 * Leaflet) the map stays hidden and the three fields are the whole form. */
(function () {
  "use strict";

  var MIAMI = [25.7617, -80.1918];
  var METRES_PER_MILE = 1609.344;

  function number(input) {
    var value = parseFloat((input.value || "").trim());
    return isFinite(value) ? value : null;
  }

  function init(element) {
    var form = element.closest("form");
    var lat = form.querySelector("#center_lat");
    var lon = form.querySelector("#center_lon");
    var radius = form.querySelector("#radius_miles");
    if (!lat || !lon || !radius || typeof L === "undefined") return;
    element.hidden = false;
    var data = element.dataset;
    var start = number(lat) !== null && number(lon) !== null ? [number(lat), number(lon)] : MIAMI;
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: 18 }).setView(start, 10);
    if (data.tileUrl) {
      var tiles = L.tileLayer(data.tileUrl, {
        attribution: data.attribution || "",
        maxZoom: 18,
        referrerPolicy: "strict-origin-when-cross-origin",
      });
      tiles.once("tileerror", function () {
        element.classList.add("no-tiles");
        var notice = document.getElementById("area-map-notice");
        if (notice) notice.hidden = false;
      });
      tiles.addTo(map);
    } else {
      element.classList.add("no-tiles");
    }
    var circle = null;
    var marker = null;

    function redraw(fit) {
      var centre = number(lat) !== null && number(lon) !== null ? [number(lat), number(lon)] : null;
      var miles = number(radius);
      if (marker) { map.removeLayer(marker); marker = null; }
      if (circle) { map.removeLayer(circle); circle = null; }
      if (!centre) return;
      marker = L.circleMarker(centre, { radius: 6, className: "area-centre" }).addTo(map);
      if (miles !== null && miles > 0) {
        circle = L.circle(centre, { radius: miles * METRES_PER_MILE, className: "searched-area" }).addTo(map);
        if (fit) map.fitBounds(circle.getBounds(), { padding: [10, 10] });
      }
      element.dataset.ready = "1";
    }

    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(5);
      lon.value = event.latlng.lng.toFixed(5);
      redraw(false);
    });
    [lat, lon, radius].forEach(function (input) {
      input.addEventListener("change", function () { redraw(true); });
    });
    redraw(true);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-area-map]").forEach(init);
  });
})();
