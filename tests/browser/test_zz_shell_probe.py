from tests.browser.test_every_page import world  # noqa
from tests.support.browser import new_context, sign_in, watched_page
def test_probe(browser, world):
    server, data = world
    ctx = new_context(browser, server)
    page = watched_page(ctx, server.url)
    sign_in(page, "admin@example.invalid")
    for url in ("/admin/forces", "/admin/users/7/deactivate", "/forces/kent/unmatched"):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        page.set_viewport_size({"width": 320, "height": 900})
        print(url, "before", page.evaluate("document.documentElement.scrollWidth"))
        page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        print(url, "after", page.evaluate("document.documentElement.scrollWidth"))
        print(page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX == "visible" && e.clientWidth > 0).slice(0,8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' pos=' + getComputedStyle(e).position).join('\\n')"""))
