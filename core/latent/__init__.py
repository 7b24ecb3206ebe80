"""Panel 2's models: the autoencoders (plain, denoising, dropout, sparse) and the VAE."""
