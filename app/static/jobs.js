// A job's page: while the job runs, ask for its state every second and reload once it has finished.
(function () {
  var box = document.getElementById("job");
  if (!box) return;
  var status = box.getAttribute("data-job-status");
  if (status === "complete" || status === "failed") return;
  var id = box.getAttribute("data-job-id");
  var bar = box.querySelector("[data-testid=job-progress]");
  var percent = box.querySelector("[data-testid=job-percent]");
  var note = box.querySelector("[data-testid=job-note]").getAttribute("data-note") || "";
  function poll() {
    fetch("/api/jobs/" + id, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        // a new status or step: reload, so the server writes it in the user's language
        if (job.status !== status || (job.progress_note || "") !== note) { window.location.reload(); return; }
        if (job.percent !== null && job.percent !== undefined) { bar.value = job.percent; percent.textContent = job.percent + "%"; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
