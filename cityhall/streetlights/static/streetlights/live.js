// The live update replaces the light table (out of band); keep the reader's place in its scroll box,
// which the browser resets when the old table is taken out.
(function () {
  let saved = null;
  const box = () => document.querySelector(".site-lights-scroll");
  document.addEventListener("htmx:beforeSwap", function () {
    saved = box() ? box().scrollTop : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (box() && saved !== null) box().scrollTop = saved;
  });
})();
