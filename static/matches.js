// The unmatched page's roster search as GOV.UK accessible-autocomplete (progressive enhancement: without this file
// each learner has a search field and a "Search the roster" button that lists the people found as radios).
// Choosing a person adds them to the learner's radios, checked; "Save decision" then posts the form as before.

const escapeHtml = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => (
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))

const describe = (person) => [person.email || 'no email', person.department].filter(Boolean).join(' · ')

function addChoice (radios, learner, person) {
  const existing = radios.querySelector(`input[type="radio"][value="${CSS.escape(String(person.id))}"]`)
  if (existing) { existing.checked = true; return }
  radios.querySelectorAll('[data-found-by-autocomplete]').forEach((item) => item.remove())
  const id = `person-${learner}-found-${person.id}`
  const item = document.createElement('div')
  item.className = 'govuk-radios__item'
  item.dataset.foundByAutocomplete = ''
  item.innerHTML = `<input class="govuk-radios__input" id="${id}" name="person_id" type="radio"
      value="${escapeHtml(person.id)}" aria-describedby="${id}-hint">
    <label class="govuk-label govuk-radios__label" for="${id}">${escapeHtml(person.label)}</label>
    <div id="${id}-hint" class="govuk-hint govuk-radios__hint">${escapeHtml(describe(person))} · found by your search</div>`
  radios.insertBefore(item, radios.firstChild)
  item.querySelector('input').checked = true
}

function enhance (group) {
  const learner = group.dataset.learner
  const url = group.dataset.rosterSearch
  const oldInput = group.querySelector('input[name="q"]')
  const radios = document.querySelector(`[data-learner-radios="${learner}"]`)
  if (!oldInput || !radios || !window.accessibleAutocomplete) return
  const id = oldInput.id
  const holder = document.createElement('div')
  // GOV.UK's body font for the menu (it would inherit the browser's default), two-thirds wide like the plain field.
  holder.className = 'govuk-body govuk-!-margin-bottom-0 govuk-!-width-two-thirds'
  oldInput.replaceWith(holder)
  group.querySelector('[data-search-button]')?.remove()
  let controller = null
  window.accessibleAutocomplete({
    element: holder,
    id,
    minLength: 2,
    showNoOptionsFound: true,
    tNoResults: () => 'No one on your roster matches',
    source: (query, populate) => {
      controller?.abort()
      controller = new AbortController()
      fetch(`${url}?q=${encodeURIComponent(query)}`, { headers: { Accept: 'application/json' }, signal: controller.signal })
        .then((res) => (res.ok ? res.json() : { people: [] }))
        .then((data) => populate(data.people))
        .catch(() => {})
    },
    templates: {
      inputValue: (person) => (person ? person.label : ''),
      suggestion: (person) => (typeof person === 'string'
        ? escapeHtml(person)
        : `${escapeHtml(person.label)} <span class="govuk-hint">${escapeHtml(describe(person))}</span>`)
    },
    onConfirm: (person) => { if (person) addChoice(radios, learner, person) }
  })
}

document.querySelectorAll('[data-roster-search]').forEach(enhance)
