// Progressive enhancement only: every page works without this file.
import { initAll } from './govuk/govuk-frontend.min.js'
import { initAll as initMoj } from './moj/all.bundle.mjs'
initAll()
// MOJ Frontend's components (data-module="moj-sortable-table", ...): its bundle carries what it needs of GOV.UK's.
initMoj()

// A table box that scrolls sideways on this screen must be reachable by keyboard (WCAG 2.1.1; axe
// scrollable-region-focusable). Pages use macros.scroll_region, which says so in the markup; this covers a box
// written without it, while it scrolls: it becomes a focusable region named after its table's caption (or the
// heading above it), and stops being one when a wider window shows it whole.
const regionName = (box) => {
  let heading = box.previousElementSibling
  while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling
  const source = box.querySelector('caption') || heading
  return source ? source.textContent.trim().replace(/\s+/g, ' ') : 'Table'
}
const scrollingBoxes = () => {
  for (const box of document.querySelectorAll('.lms-table-wrap:not([tabindex]), .lms-table-wrap[data-lms-region]')) {
    const scrolls = box.scrollWidth > box.clientWidth
    if (scrolls && !box.hasAttribute('data-lms-region')) {
      box.setAttribute('data-lms-region', '')
      box.setAttribute('role', 'region')
      box.setAttribute('aria-label', regionName(box))
      box.tabIndex = 0
    } else if (!scrolls && box.hasAttribute('data-lms-region') && document.activeElement !== box) {
      for (const name of ['data-lms-region', 'role', 'aria-label', 'tabindex']) box.removeAttribute(name)
    }
  }
}
scrollingBoxes()
let resizing = 0
window.addEventListener('resize', () => {
  cancelAnimationFrame(resizing)
  resizing = requestAnimationFrame(scrollingBoxes)
})

const progress = document.querySelector('[data-progress-url]')
if (progress) {
  const poll = async () => {
    try {
      const res = await fetch(progress.dataset.progressUrl, { headers: { Accept: 'application/json' } })
      const data = await res.json()
      const bar = document.querySelector('[data-progress-bar]')
      const text = document.querySelector('[data-progress-text]')
      if (bar && data.total) { bar.value = data.done; bar.max = data.total }
      if (text) { text.textContent = data.message }
      if (data.ready && data.url) { window.location.assign(data.url); return }
    } catch (e) { /* the meta refresh takes over */ }
    setTimeout(poll, 1000)
  }
  setTimeout(poll, 1000)
}
