// Sorting and filtering of the ranking table. Optional: without the script the table is complete.
// A cell sorts by its data-v when it has one, else by its shown number (the table's data-decimal is the
// page language's decimal mark), else by its text.
document.querySelectorAll("table.sortable").forEach(function (table) {
  var mark = table.dataset.decimal || ".";
  function value(cell) {
    if (cell.dataset.v !== undefined) { return cell.dataset.v; }
    var t = cell.textContent.trim();
    var plain = t.replace(/[\s\u00a0%]/g, "").split(mark === "," ? "." : ",").join("").replace(mark, ".");
    return plain !== "" && !isNaN(Number(plain)) ? plain : t;
  }
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
        var x = value(a.cells[col]), y = value(b.cells[col]);
        var nx = x === "" ? -Infinity : Number(x), ny = y === "" ? -Infinity : Number(y);
        var c = isNaN(nx) || isNaN(ny) ? String(x).localeCompare(String(y)) : nx - ny;
        return down ? -c : c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    // the whole header cell sorts (the button inside it keeps the keyboard and screen readers)
    th.addEventListener("click", sort);
  });
  if (table.dataset.search === undefined) { return; }
  // a search box (names, any accents) and, when rows carry data-g, a peer-group choice
  function plain(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  var bar = document.createElement("div");
  bar.className = "filter noprint";
  var label = document.createElement("label");
  label.textContent = table.dataset.search + " ";
  var box = document.createElement("input");
  box.type = "search";
  label.appendChild(box);
  bar.appendChild(label);
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var names = rows.map(function (r) { return plain(r.cells[1].textContent); });
  var groups = [];
  rows.forEach(function (r) { var g = r.dataset.g; if (g && groups.indexOf(g) < 0) { groups.push(g); } });
  var pick = null;
  if (groups.length > 1) {
    var glabel = document.createElement("label");
    glabel.textContent = " " + table.dataset.groupLabel + " ";
    pick = document.createElement("select");
    var all = document.createElement("option");
    all.value = "";
    all.textContent = table.dataset.allGroups;
    pick.appendChild(all);
    groups.sort().forEach(function (g) {
      var o = document.createElement("option");
      o.value = g;
      o.textContent = g;
      pick.appendChild(o);
    });
    glabel.appendChild(pick);
    bar.appendChild(glabel);
  }
  var count = document.createElement("span");
  count.setAttribute("aria-live", "polite");
  bar.appendChild(count);
  var anchor = table.parentNode.classList.contains("scroll") ? table.parentNode : table;
  anchor.parentNode.insertBefore(bar, anchor);
  function apply() {
    var q = plain(box.value.trim());
    var g = pick ? pick.value : "";
    var shown = 0;
    rows.forEach(function (r, i) {
      var ok = (!q || names[i].indexOf(q) >= 0) && (!g || r.dataset.g === g);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = " " + shown + " / " + rows.length;
  }
  box.addEventListener("input", apply);
  if (pick) { pick.addEventListener("change", apply); }
});
