"""Real-browser tests (Playwright + Debian Chromium + axe-core)."""
