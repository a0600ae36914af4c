// Progressive enhancement only: every page works without this file.
import { initAll } from './govuk/govuk-frontend.min.js'
initAll()

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
