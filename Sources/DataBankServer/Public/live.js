// The live page (/live): moves the bus dots and recolours the car parks as reports arrive on each
// stream's open Server-Sent Events feed; if a feed fails for good, polls `latest` every 30 s.
(function () {
  "use strict";
  var map = document.querySelector("svg.live-map[data-frame]");
  if (!map) return;
  var svg = "http://www.w3.org/2000/svg";
  var frame = map.getAttribute("data-frame").split(",").map(Number); // west, north, xScale, yScale
  var width = map.viewBox.baseVal.width, height = map.viewBox.baseVal.height;
  var status = document.querySelector("[data-live-status]");
  var freeTotal = document.querySelector("[data-live-free]");

  function stamp(polling) {
    if (!status) return;
    var text = status.getAttribute(polling ? "data-text-poll" : "data-text-live") || "";
    status.textContent = text + new Date().toLocaleTimeString();
  }

  function share(free, capacity) {
    if (!(capacity > 0)) return "vac-high";
    var s = free / capacity;
    return s >= 0.3 ? "vac-high" : s >= 0.1 ? "vac-mid" : "vac-low";
  }

  function follow(layer) {
    var entity = layer.getAttribute("data-entity");
    var lonField = layer.getAttribute("data-lon"), latField = layer.getAttribute("data-lat");
    var freeField = layer.getAttribute("data-free"), capField = layer.getAttribute("data-capacity");
    var labelField = layer.getAttribute("data-label");
    var freeWord = layer.getAttribute("data-text-free") || "";
    var markers = {};
    layer.querySelectorAll("[data-id]").forEach(function (el) { markers[el.getAttribute("data-id")] = el; });

    function totalFree() {
      if (!freeTotal || !freeField) return;
      var sum = 0;
      Object.keys(markers).forEach(function (k) { sum += Number(markers[k].getAttribute("data-free-now") || 0); });
      freeTotal.textContent = sum.toLocaleString("en-US");
    }
    Object.keys(markers).forEach(function (k) {
      var t = markers[k].querySelector("title");
      var m = t && /(\d+)\/(\d+)/.exec(t.textContent);
      if (m) markers[k].setAttribute("data-free-now", m[1]);
    });

    function apply(record) {
      if (!record || record[entity] === undefined || record[entity] === null) return;
      var id = String(record[entity]);
      var lon = Number(record[lonField]), lat = Number(record[latField]);
      var x = (lon - frame[0]) * frame[2], y = (frame[1] - lat) * frame[3];
      var inside = isFinite(x) && isFinite(y) && x >= 0 && y >= 0 && x <= width && y <= height;
      var el = markers[id];
      if (!el) {
        if (!inside) return;
        if (freeField) {
          el = document.createElementNS(svg, "rect");
          ["x", "y"].forEach(function (a) { el.setAttribute(a, "-3.5"); });
          el.setAttribute("width", "7"); el.setAttribute("height", "7"); el.setAttribute("rx", "1.5");
        } else {
          el = document.createElementNS(svg, "circle");
          el.setAttribute("r", "3.2");
          el.setAttribute("class", "bus");
        }
        el.setAttribute("data-id", id);
        el.appendChild(document.createElementNS(svg, "title"));
        layer.appendChild(el);
        markers[id] = el;
      }
      if (inside) el.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
      var label = labelField && record[labelField] != null ? record[labelField] + " · " + id : id;
      var title = el.querySelector("title");
      if (freeField) {
        var free = Number(record[freeField]), capacity = Number(record[capField]);
        el.setAttribute("class", "carpark " + share(free, capacity));
        el.setAttribute("data-free-now", String(free));
        if (title) title.textContent = label + " · " + freeWord + " " + free + "/" + capacity;
        totalFree();
      } else if (title) {
        title.textContent = label;
      }
    }

    var polling = null;
    function poll() {
      fetch(layer.getAttribute("data-latest"), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (page) { if (page) { page.items.forEach(apply); stamp(true); } })
        .catch(function () {});
    }
    var feed = new EventSource(layer.getAttribute("data-events"));
    feed.addEventListener("change", function (e) {
      try { apply(JSON.parse(e.data).data); stamp(false); } catch (err) { /* a malformed event is skipped */ }
    });
    feed.onerror = function () {
      // EventSource reconnects by itself (resuming from the last id); only a closed feed falls back to polling.
      if (feed.readyState === EventSource.CLOSED && !polling) { poll(); polling = setInterval(poll, 30000); }
    };
  }

  map.querySelectorAll("g.layer[data-events]").forEach(follow);
})();
