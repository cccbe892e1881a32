# Writes the small numpy-made fixtures that NpyParsingTest reads, to prove the reader matches numpy's own writer
# (zip64 entries, compression, fortran order, unicode labels). Run: python3 make_fixtures.py
import numpy as np

x = np.arange(5 * 4 * 3, dtype=np.float32).reshape(5, 4, 3) / 10
y = np.array(['cat', 'dog', 'cat', 'bird', 'dog'])
np.savez_compressed('numpy-images.npz', x=x, y=y)

seq = np.arange(3 * 4 * 2, dtype=np.float64).reshape(3, 4, 2)
mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
np.savez('numpy-sequences.npz', x=seq, y=np.array([0, 1, 0], dtype=np.int64), mask=mask)

np.save('numpy-fortran.npy', np.asfortranarray(np.arange(12, dtype='>i4').reshape(3, 4)))
