// A printable page's "Print" button: shown only when this script runs.
for (const holder of document.querySelectorAll("[data-print-button]")) {
  holder.hidden = false;
  holder.querySelector("button")?.addEventListener("click", () => window.print());
}
