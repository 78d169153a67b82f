document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th[data-col]").forEach(function (th) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    function sort() {
      var col = Number(th.dataset.col);
      var down = th.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        var nx = x === "" ? -Infinity : Number(x), ny = y === "" ? -Infinity : Number(y);
        var c = isNaN(nx) || isNaN(ny) ? String(x).localeCompare(String(y)) : nx - ny;
        return down ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    // the whole header cell sorts (the button inside it keeps the keyboard and screen readers)
    th.addEventListener("click", sort);
  });
});
