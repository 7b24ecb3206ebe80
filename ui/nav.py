"""The app's pages and the lecture's parts: the router, the home page and the tests read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str          # file relative to the repository root
    title: str
    url_path: str      # "" for the home page
    icon: str
    has_chart: bool = True


HOME = PageSpec("app_pages/home.py", "Home", "", ":material/home:", has_chart=False)

PANELS = [
    PageSpec("app_pages/gen_vs_disc.py", "Generative vs discriminative", "gen_vs_disc",
             ":material/compare_arrows:"),
    PageSpec("app_pages/latent.py", "Latent-space explorer", "latent", ":material/scatter_plot:"),
    PageSpec("app_pages/gan.py", "GAN lab", "gan", ":material/swords:"),
    PageSpec("app_pages/diffusion.py", "Diffusion", "diffusion", ":material/blur_on:"),
    PageSpec("app_pages/compare.py", "Compare", "compare", ":material/balance:"),
]

PAGES = [HOME, *PANELS]


@dataclass(frozen=True)
class LecturePart:
    title: str
    slides: str
    summary: str
    page: PageSpec


LECTURE = [
    LecturePart("A linear intro: generative vs discriminative",
                "Generative and Discriminative Models … Discriminative vs Generative: A "
                "Proposition", "Two paths to P(Y | X): model the joint P(X, Y) or the "
                "conditional directly. Naive Bayes against logistic regression, and Ng & "
                "Jordan's claim about how fast each learns.", PANELS[0]),
    LecturePart("Autoencoders and the VAE", "Autoencoders … Variational Autoencoders",
                "Compress x to a code z and back: plain, denoising, dropout and sparse "
                "autoencoders, then the VAE's ELBO = reconstruction − KL, which makes the "
                "latent space one you can sample from.", PANELS[1]),
    LecturePart("Generative adversarial networks", "Generative Adversarial Networks … GANs and "
                "Mode Collapse", "A generator and a discriminator play the minimax game "
                "V(D, G); training oscillates, collapses onto a few modes, or stalls when D "
                "wins.", PANELS[2]),
    LecturePart("Diffusion models", "Diffusion Models … Stable Diffusion: Add Text "
                "Conditioning", "Noise data step by step with q(x_t | x_{t−1}), learn to undo "
                "each step, and sample from pure noise; condition on a prompt; diffuse in a "
                "latent space.", PANELS[3]),
    LecturePart("VAE vs GAN vs diffusion", "Summary; GANs vs VAEs: A Symmetry", "The "
                "lecture's summary table, measured on the same data: guess, then reveal. The "
                "VAE's mode covering, KL(Q‖P_θ) with Q the data and P_θ the model, against "
                "the GAN's mode missing, KL(P_θ‖Q), fitted to a mixture you shape.",
                PANELS[4]),
]
