/* Maps of the search and property pages (Leaflet, markercluster, leaflet-draw, served locally).
 * The page renders everything the map needs in data attributes of #map; the map only draws it and
 * turns drawn areas into form fields. The URL stays the search: drawing submits the form (GET). */
(function () {
  "use strict";

  /* Texts in the page's language (search/_map_assets.html); English ones without them. */
  var source = document.getElementById("search-texts");
  var texts = Object.assign({
    tiles_failed: "The background map could not load.",
    tiles_failed_search: "Markers, drawing and \u201cSearch this area\u201d still work.",
    tiles_failed_property: "The marker still shows where the property is.",
    score: "Score",
    draw: null,
  }, source ? JSON.parse(source.textContent) : {});

  /* leaflet-draw's own texts (toolbar buttons and tooltips) in the page's language. */
  function localiseDrawing() {
    var draw = texts.draw;
    if (!draw || !L.drawLocal) return;
    var toolbar = L.drawLocal.draw.toolbar;
    toolbar.actions = { title: draw.cancel_title, text: draw.cancel };
    toolbar.finish = { title: draw.finish_title, text: draw.finish };
    toolbar.undo = { title: draw.undo_title, text: draw.undo };
    toolbar.buttons.polygon = draw.polygon;
    toolbar.buttons.rectangle = draw.rectangle;
    toolbar.buttons.circle = draw.circle;
    var handlers = L.drawLocal.draw.handlers;
    handlers.circle.tooltip.start = draw.circle_start;
    handlers.circle.radius = draw.radius;
    handlers.polygon.tooltip = { start: draw.polygon_start, cont: draw.polygon_cont, end: draw.polygon_end };
    handlers.rectangle.tooltip.start = draw.rectangle_start;
    handlers.simpleshape.tooltip.end = draw.release;
  }

  function band(score) {
    return score >= 75 ? "hot" : score >= 40 ? "warm" : "cool";
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function markerIcon(score) {
    return L.divIcon({
      className: "score-marker " + band(score) + (score >= 100 ? " three-digits" : ""),
      html: "<span>" + score + "</span>",
      iconSize: [30, 30],
    });
  }

  function clusterIcon(cluster) {
    var best = 0;
    cluster.getAllChildMarkers().forEach(function (marker) {
      best = Math.max(best, marker.options.score || 0);
    });
    return L.divIcon({
      className: "score-cluster " + band(best),
      html: "<span>" + cluster.getChildCount() + "</span>",
      iconSize: [38, 38],
    });
  }

  function field(id) {
    return document.getElementById(id);
  }

  function setArea(near, radius, polygon) {
    field("f-near").value = near;
    field("f-radius").value = radius;
    field("f-polygon").value = polygon;
    var sort = field("f-sort");
    if (!near && sort.value === "distance") sort.value = "score";
    var cursor = document.querySelector("#search-form input[name=cursor]");
    if (cursor) cursor.remove();
  }

  function round(value) {
    return Math.round(value * 1e6) / 1e6;
  }

  function polygonOf(geometry) {
    geometry.coordinates = geometry.coordinates.map(function (ring) {
      return ring.map(function (position) { return [round(position[0]), round(position[1])]; });
    });
    return JSON.stringify({ type: "Polygon", coordinates: geometry.coordinates });
  }

  function submit() {
    field("search-form").requestSubmit();
  }

  function enableDrawing(map, area) {
    localiseDrawing();
    var controls = new L.Control.Draw({
      draw: { polyline: false, marker: false, circlemarker: false, polygon: true, rectangle: true, circle: true },
      edit: false,
    });
    map.addControl(controls);
    map.on(L.Draw.Event.CREATED, function (event) {
      area.clearLayers();
      area.addLayer(event.layer);
      if (event.layerType === "circle") {
        var centre = event.layer.getLatLng();
        var radius = Math.min(50000, Math.max(1, Math.round(event.layer.getRadius())));
        setArea(round(centre.lat) + "," + round(centre.lng), radius, "");
      } else {
        setArea("", "", polygonOf(event.layer.toGeoJSON().geometry));
      }
      submit();
    });
    var here = field("search-area");
    if (here) {
      here.addEventListener("click", function () {
        var b = map.getBounds();
        var ring = [
          [b.getWest(), b.getSouth()], [b.getEast(), b.getSouth()], [b.getEast(), b.getNorth()],
          [b.getWest(), b.getNorth()], [b.getWest(), b.getSouth()],
        ];
        setArea("", "", polygonOf({ type: "Polygon", coordinates: [ring] }));
        submit();
      });
    }
    var clear = field("clear-area");
    if (clear) {
      clear.addEventListener("click", function () {
        setArea("", "", "");
        area.clearLayers();
      });
    }
  }

  function drawSearchedArea(element, area) {
    var data = element.dataset;
    if (data.near && data.radius) {
      var parts = data.near.split(",").map(Number);
      if (parts.length === 2 && !isNaN(parts[0]) && !isNaN(parts[1])) {
        L.circle(parts, { radius: Number(data.radius), className: "searched-area" }).addTo(area);
      }
    }
    if (data.polygon) {
      try {
        L.geoJSON(JSON.parse(data.polygon), { className: "searched-area" }).addTo(area);
      } catch (ignored) { /* the page shows the field's error */ }
    }
  }

  /* Offline, or the tile server refuses: everything else on the map still works, so say so
   * discreetly under it instead of leaving a silent grey box. */
  function tilesUnavailable(element) {
    element.classList.add("no-tiles");
    var notice = document.createElement("p");
    notice.className = "map-notice muted";
    notice.setAttribute("role", "status");
    notice.dataset.testid = "map-tiles-unavailable";
    notice.textContent = texts.tiles_failed + " " + (element.dataset.draw
      ? texts.tiles_failed_search
      : texts.tiles_failed_property);
    element.insertAdjacentElement("afterend", notice);
  }

  function init(element) {
    var data = element.dataset;
    var points = JSON.parse(data.points || "[]");
    var map = L.map(element, { scrollWheelZoom: false, maxZoom: 19 }).setView(JSON.parse(data.centre), Number(data.zoom || 11));
    if (data.tileUrl) {
      var tiles = L.tileLayer(data.tileUrl, {
        attribution: data.attribution || "",
        maxZoom: 19,
        referrerPolicy: "strict-origin-when-cross-origin",  // tile servers see our site, not the page
      });
      tiles.once("tileerror", function () { tilesUnavailable(element); });
      tiles.addTo(map);
    } else {
      element.classList.add("no-tiles");  // tiles turned off: the points on a blank background
    }
    var markers = L.markerClusterGroup({ iconCreateFunction: clusterIcon, maxClusterRadius: 40 });
    points.forEach(function (point) {
      var marker = L.marker([point.lat, point.lon], {
        icon: markerIcon(point.score), score: point.score, title: point.label, alt: point.label,
      });
      marker.bindPopup('<a href="/properties/' + encodeURIComponent(point.id) + '">' +
        escapeHtml(point.label) + "</a><br>" + escapeHtml(texts.score) + " " + point.score);
      markers.addLayer(marker);
    });
    map.addLayer(markers);
    var area = L.featureGroup().addTo(map);
    drawSearchedArea(element, area);
    var bounds = points.length ? markers.getBounds() : null;
    if (area.getLayers().length) bounds = bounds ? bounds.extend(area.getBounds()) : area.getBounds();
    if (bounds && bounds.isValid() && !data.zoom) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
    if (data.draw) enableDrawing(map, area);
    element.dataset.ready = String(points.length);
  }

  /* Empty filters stay out of the URL, so a search's address is short enough to share. */
  function keepUrlShort(form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (input) {
        if (input.name && input.value === "" && !input.disabled) {
          input.disabled = true;
          input.dataset.reenable = "true";
        }
      });
    });
    window.addEventListener("pageshow", function () {  // back button: the form is usable again
      form.querySelectorAll("[data-reenable]").forEach(function (input) {
        input.disabled = false;
        delete input.dataset.reenable;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("search-form");
    if (form) keepUrlShort(form);
    var element = document.getElementById("map");
    if (element && window.L) init(element);
  });
})();
