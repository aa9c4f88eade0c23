/* The admin's progress-entry form (进展填报): when the task changes, offer only that task's
   targets; when the target changes, only the places a value for it may be for (the counties or
   schools a per-county or per-school target is measured in; none for any other target). The
   choices come from the admin's own JSON view
   (ProgressEntryAdmin.choices_view), which answers with what the user may see. Without this
   script the form still works: the server limits the choices when the page is sent back. */
(function () {
  "use strict";

  function refill(select, items) {
    if (!select) {
      return;
    }
    var keep = select.value;
    // The first option is the empty one ("---------"): it stays.
    while (select.options.length > 1) {
      select.remove(1);
    }
    items.forEach(function (item) {
      var option = new Option(item.text, String(item.id));
      option.selected = String(item.id) === keep;
      select.add(option);
    });
  }

  function ask(url, then) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data) {
          then(data);
        }
      });
  }

  function start() {
    var task = document.getElementById("id_task");
    var target = document.getElementById("id_target");
    if (!task || !task.dataset.targetsUrl) {
      return;
    }
    var url = task.dataset.targetsUrl;
    task.addEventListener("change", function () {
      ask(url + "?task=" + encodeURIComponent(task.value), function (data) {
        refill(target, data.targets);
        refill(document.getElementById("id_jurisdiction"), data.places);
        if (target && target.value) {
          target.dispatchEvent(new Event("change")); // the kept target's places
        }
      });
    });
    if (target) {
      target.addEventListener("change", function () {
        var places = document.getElementById("id_jurisdiction");
        if (!target.value) {
          refill(places, []); // no target: the entry names no place
          return;
        }
        ask(url + "?target=" + encodeURIComponent(target.value), function (data) {
          refill(places, data.places);
        });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
