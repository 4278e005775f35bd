// The language switch keeps the search words, and remembers the reader's choice for the
// site's root page (build/site/index.html).
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("a.course-lang-switch")) {
    link.addEventListener("click", () => {
      if (window.location.search) link.href = link.href.split("?")[0] + window.location.search;
      try {
        localStorage.setItem("course-lang", link.hreflang.startsWith("zh") ? "zh" : "en");
      } catch (e) {
        // storage blocked (private mode): the switch still works
      }
    });
  }
});
