// moat's dashboard: the only script. Pages are complete without it; with it, the parts
// marked data-live are re-fetched from the server whenever the guild's event stream says
// something happened (at most twice a second), and forms marked data-busy disable their
// button while they submit.
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (live && window.EventSource) {
    var src = live.getAttribute("data-live");
    var stream = new EventSource(live.getAttribute("data-stream"));
    var pending = false;
    var refresh = function () {
      if (pending) return;
      pending = true;
      setTimeout(function () {
        fetch(src, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) live.innerHTML = html; })
          .finally(function () { pending = false; });
      }, 500);
    };
    stream.addEventListener("update", refresh);
    stream.addEventListener("open", function () { document.body.classList.add("connected"); });
    stream.addEventListener("error", function () { document.body.classList.remove("connected"); });
  }
  document.querySelectorAll("form[data-busy]").forEach(function (f) {
    f.addEventListener("submit", function () {
      var b = f.querySelector("button[type=submit]");
      if (b) { b.disabled = true; b.textContent = f.getAttribute("data-busy"); }
    });
  });
})();
