"""genlab's models, trainers and store. Importing any of it pins the CPU maths libraries to one
code path first (``core.numerics``), before torch computes anything."""

from core import numerics

numerics.pin()
