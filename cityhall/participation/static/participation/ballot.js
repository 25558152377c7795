// The running total of the chosen projects' costs, marked when it passes the budget (the server
// checks again: this is only a help while choosing).
(function () {
  var output = document.getElementById("ballot-total");
  if (!output) return;
  var budget = Number(output.dataset.budget);
  var boxes = document.querySelectorAll(".pb-ballot input[type=checkbox]");
  function update() {
    var total = 0;
    boxes.forEach(function (box) { if (box.checked) total += Number(box.dataset.cost); });
    output.textContent = total.toLocaleString("ko-KR");
    output.classList.toggle("over", total > budget);
  }
  boxes.forEach(function (box) { box.addEventListener("change", update); });
})();
