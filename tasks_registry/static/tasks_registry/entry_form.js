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
    // Answers can come back out of order (a slow one for a choice already changed again):
    // each list takes only the answer to its latest question.
    var asked = { targets: 0, places: 0 };

    function placesFor(value) {
      var places = document.getElementById("id_jurisdiction");
      var mine = ++asked.places;
      if (!value) {
        refill(places, []); // no target: the entry names no place
        return;
      }
      ask(url + "?target=" + encodeURIComponent(value), function (data) {
        if (mine === asked.places) {
          refill(places, data.places);
        }
      });
    }

    task.addEventListener("change", function () {
      var mine = ++asked.targets;
      ask(url + "?task=" + encodeURIComponent(task.value), function (data) {
        if (mine !== asked.targets) {
          return;
        }
        refill(target, data.targets);
        placesFor(target ? target.value : ""); // the kept target's places, or none
      });
    });
    if (target) {
      target.addEventListener("change", function () {
        placesFor(target.value);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
