"""Panel 3's models: the GAN on 2-D data, its many-seed runs, the saddle point and D*."""
