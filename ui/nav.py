"""The app's pages in one list: the router, the home page and the tests all read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str          # file relative to the repository root
    title: str
    url_path: str      # "" for the home page
    icon: str
    slides: str        # the lecture slides the page illustrates
    blurb: str         # one or two sentences for the home page
    has_chart: bool = True


HOME = PageSpec("app_pages/home.py", "Home", "", ":material/home:", "", "", has_chart=False)

PANELS = [
    PageSpec(
        "app_pages/gen_vs_disc.py", "Generative vs discriminative", "gen_vs_disc",
        ":material/compare_arrows:",
        "A Linear Intro to Generative Models; Logistic Regression vs Naive Bayes; "
        "What about MAP / Regularization?; Discriminative vs Generative: A Proposition",
        "Naive Bayes models P(X, Y), logistic regression models P(Y | X). Train both on real "
        "data at every training-set size and watch Ng & Jordan's proposition happen: the "
        "generative model reaches its (higher) asymptotic error with far fewer examples.",
    ),
]

PAGES = [HOME, *PANELS]
