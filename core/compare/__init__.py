"""Panel 5, compare (lecture: "Summary", "GANs vs VAEs: A Symmetry"): the VAE, the GAN and the
diffusion model trained on the same data and measured the same way, and the two directions of
the KL divergence fitted to one mixture."""
