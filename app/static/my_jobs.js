// The "your background work" list (templates/ops/_my_jobs.html): while a listed job runs, ask for its
// state every two seconds and move its bar; reload the page once it ends or changes step, so the
// status, note and result are shown by the server in the user's language.
(function () {
  var rows = document.querySelectorAll("[data-my-job]");
  Array.prototype.forEach.call(rows, function (row) {
    var status = row.getAttribute("data-job-status");
    if (status === "complete" || status === "failed") return;
    var id = row.getAttribute("data-my-job");
    var note = row.getAttribute("data-job-note") || "";
    var bar = row.querySelector("progress");
    var percent = row.querySelector("[data-role=percent]");
    function poll() {
      fetch("/api/jobs/" + id, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          if (job.status !== status || (job.progress_note || "") !== note) { window.location.reload(); return; }
          if (job.percent !== null && job.percent !== undefined) { bar.value = job.percent; percent.textContent = job.percent + "%"; }
          window.setTimeout(poll, 2000);
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 2000);
  });
})();
