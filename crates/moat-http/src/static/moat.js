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
    // One fetch at a time; a nudge that arrives while one is waiting or in flight asks for
    // another after it, so the last thing that happened is always shown (a raid's final
    // actions land while the previous fetch is on its way back).
    var waiting = false;
    var fetching = false;
    var again = false;
    var refresh = function () {
      if (waiting) return;
      if (fetching) { again = true; return; }
      waiting = true;
      setTimeout(function () {
        waiting = false;
        fetching = true;
        fetch(src, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.text() : null; })
          .then(function (html) { if (html !== null) live.innerHTML = html; })
          .catch(function () {})
          .finally(function () {
            fetching = false;
            if (again) { again = false; refresh(); }
          });
      }, 500);
    };
    stream.addEventListener("update", refresh);
    // On (re)connecting, fetch once: what happened while the stream was down is shown too.
    stream.addEventListener("open", function () { document.body.classList.add("connected"); refresh(); });
    stream.addEventListener("error", function () { document.body.classList.remove("connected"); });
  }
  document.querySelectorAll("form[data-busy]").forEach(function (f) {
    f.addEventListener("submit", function () {
      var b = f.querySelector("button[type=submit]");
      if (b) { b.disabled = true; b.textContent = f.getAttribute("data-busy"); }
    });
  });
})();
