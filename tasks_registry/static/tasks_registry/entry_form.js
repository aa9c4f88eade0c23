/* The admin's progress-entry form (进展填报): when the task changes, offer only that task's
   targets and the places of its plan. The choices come from the admin's own JSON view
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

  function start() {
    var task = document.getElementById("id_task");
    if (!task || !task.dataset.targetsUrl) {
      return;
    }
    task.addEventListener("change", function () {
      var url = task.dataset.targetsUrl + "?task=" + encodeURIComponent(task.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data) {
            refill(document.getElementById("id_target"), data.targets);
            refill(document.getElementById("id_jurisdiction"), data.places);
          }
        });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
