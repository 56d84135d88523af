// A return run's page (reporting/run.html): polls the run's status and updates the progress bar, the status line (a
// polite live region) and the download link, until the run is done or has failed. Without JavaScript the page's
// "Check progress" link reloads it instead.
const root = document.querySelector("[data-module='app-run-progress']");

if (root && root.dataset.finished !== "true") {
  const bar = root.querySelector("#run-progress-bar");
  const text = root.querySelector("#run-progress-text");
  const download = root.querySelector("#run-download");
  const url = root.dataset.statusUrl;
  let lastText = text.textContent.trim();

  const describe = (state) => {
    if (state.status === "done") return `Done: ${state.total} row${state.total === 1 ? "" : "s"}.`;
    if (state.error) return "The run failed. Run it again from the reports page; if it fails again, tell your system administrator.";
    // In steps of 10%: the bar shows the exact figure; the live region speaks only when the sentence changes.
    if (state.status === "running") return `${state.status_label}: about ${Math.floor(state.percent / 10) * 10}%${state.label ? `, ${state.label}` : ""}.`;
    return `${state.status_label}.`;
  };

  const poll = async () => {
    let state;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      state = await response.json();
    } catch {
      setTimeout(poll, 5000);
      return;
    }
    bar.value = state.percent;
    bar.textContent = `${state.percent}%`;
    const sentence = describe(state);
    if (sentence !== lastText) {
      text.textContent = sentence;
      lastText = sentence;
    }
    if (state.download) {
      download.hidden = false;
      root.dataset.finished = "true";
      return;
    }
    if (state.finished) {
      root.dataset.finished = "true";
      return;
    }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 500);
}
