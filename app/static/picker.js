/* Department picker: progressive enhancement of <select data-picker> (multiple or single).
 *
 * The native <select> stays in the form (hidden) and remains what is submitted; without
 * JavaScript it is a plain grouped list. With it: chips for the chosen departments, a search box
 * that matches short name, full name, aliases and code (substring, no word splitting), and a
 * grouped listbox used with the keyboard: ↓/↑ move, Enter chooses or removes, Esc closes,
 * Backspace in the empty box removes the last chip.
 */
(function () {
  "use strict";
  var counter = 0;

  function norm(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function enhance(select) {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    var multiple = select.multiple;
    var id = "picker-" + (++counter);
    var box = document.createElement("div");
    box.className = "picker";
    var chips = document.createElement("ul");
    chips.className = "picker-chips";
    var input = document.createElement("input");
    input.type = "text";
    input.className = "picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "-list");
    input.setAttribute("autocomplete", "off");
    input.placeholder = select.dataset.placeholder || "";
    if (select.getAttribute("aria-label")) input.setAttribute("aria-label", select.getAttribute("aria-label"));
    if (select.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    if (multiple) list.setAttribute("aria-multiselectable", "true");
    list.hidden = true;
    var empty = document.createElement("li");
    empty.className = "picker-empty";
    empty.textContent = select.dataset.empty || "";
    empty.hidden = true;

    var items = []; // {option, li, group, text}
    var groupHeads = [];
    var n = 0;
    Array.prototype.forEach.call(select.querySelectorAll("optgroup, option"), function (node) {
      if (node.tagName === "OPTGROUP") {
        var head = document.createElement("li");
        head.className = "picker-group";
        head.setAttribute("role", "presentation");
        head.textContent = node.label;
        list.appendChild(head);
        groupHeads.push(head);
        return;
      }
      if (!node.value) return;
      var li = document.createElement("li");
      li.id = id + "-o" + (n++);
      li.setAttribute("role", "option");
      li.dataset.value = node.value;
      li.textContent = node.textContent;
      var full = (node.dataset.names || "").split(" ")[0];
      if (full && full !== node.textContent) {
        var small = document.createElement("small");
        small.textContent = " " + full;
        li.appendChild(small);
      }
      li.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the search box
        choose(items[Number(li.dataset.index)]);
      });
      li.dataset.index = String(items.length);
      list.appendChild(li);
      items.push({
        option: node,
        li: li,
        head: groupHeads[groupHeads.length - 1] || null,
        text: norm(node.textContent + " " + (node.dataset.names || "") + " " + node.value),
      });
    });
    list.appendChild(empty);

    var active = -1;
    // chips in the order they were chosen (those chosen on the server first, in list order)
    var order = items.filter(function (it) { return it.option.selected; });

    function syncOrder() {
      order = order.filter(function (it) { return it.option.selected; });
      items.forEach(function (it) { if (it.option.selected && order.indexOf(it) === -1) order.push(it); });
    }

    function visible() {
      return items.filter(function (it) { return !it.li.hidden; });
    }

    function setActive(index) {
      var shown = visible();
      items.forEach(function (it) { it.li.classList.remove("active"); });
      if (!shown.length) { active = -1; input.removeAttribute("aria-activedescendant"); return; }
      active = Math.max(0, Math.min(index, shown.length - 1));
      var it = shown[active];
      it.li.classList.add("active");
      input.setAttribute("aria-activedescendant", it.li.id);
      it.li.scrollIntoView({ block: "nearest" });
    }

    function filter() {
      var q = norm(input.value);
      var any = false;
      items.forEach(function (it) {
        it.li.hidden = q !== "" && it.text.indexOf(q) === -1;
        if (!it.li.hidden) any = true;
      });
      groupHeads.forEach(function (head) {
        head.hidden = !items.some(function (it) { return it.head === head && !it.li.hidden; });
      });
      empty.hidden = any;
      setActive(0);
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      filter();
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function render() {
      chips.innerHTML = "";
      syncOrder();
      items.forEach(function (it) { it.li.setAttribute("aria-selected", it.option.selected ? "true" : "false"); });
      order.forEach(function (it) {
        var chip = document.createElement("li");
        chip.className = "picker-chip";
        chip.dataset.value = it.option.value;
        var name = document.createElement("span");
        name.textContent = it.option.textContent;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (select.dataset.remove || "×") + " " + it.option.textContent);
        remove.addEventListener("click", function () {
          it.option.selected = false;
          changed();
          input.focus();
        });
        chip.appendChild(name);
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
    }

    function changed() {
      render();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function choose(it) {
      if (!it) return;
      if (multiple) {
        it.option.selected = !it.option.selected;
      } else {
        it.option.selected = true;
        close();
      }
      input.value = "";
      changed();
      if (multiple && !list.hidden) filter();
    }

    input.addEventListener("focus", open);
    input.addEventListener("input", function () { if (list.hidden) open(); else filter(); });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) open(); else setActive(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive(active - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, do not submit the form
          choose(visible()[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      } else if (event.key === "Backspace" && input.value === "") {
        syncOrder();
        if (order.length && (multiple || !select.required)) {
          order[order.length - 1].option.selected = false;
          if (!multiple) select.value = "";
          changed();
        }
      }
    });

    select.classList.add("picker-native");
    select.setAttribute("tabindex", "-1");
    select.setAttribute("aria-hidden", "true");
    select.parentNode.insertBefore(box, select.nextSibling);
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(list);
    // the native select still validates "required"; show its message at the search box
    select.addEventListener("invalid", function () { input.focus(); });
    render();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
