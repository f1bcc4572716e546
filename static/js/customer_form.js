// Add customer: the GCC validation code drop-down shows only while GCC is chosen.
(function () {
  const group = document.getElementById("gcc-code-group");
  if (!group) return;
  const radios = document.querySelectorAll('input[name="special_qualification"]');
  function sync() {
    const chosen = document.querySelector('input[name="special_qualification"]:checked');
    group.hidden = !(chosen && chosen.value === group.dataset.shownFor);
  }
  radios.forEach((radio) => radio.addEventListener("change", sync));
  sync();
})();
