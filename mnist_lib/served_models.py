"""The models the drawing page serves (mnist_lib/server.py): each restored once and run once
(the first session run optimises the graph: before a visitor's picture, not during). One
that had no checkpoint when the server started is restored once its trainer, run beside the
page, has saved one: the page no longer asks for the training just done (a second or so,
once)."""
import numpy as np

import mnist_forward
from mnist_lib import checkpoints
from mnist_lib import model as model_lib
from mnist_lib.errors import UsageError


class ServedModels(object):
    """The models of `specs` (name -> model.Spec), from `model_dirs` (name -> folder); each
    kind's `trainers` (name -> the command that trains it) for the hint while it has none."""

    def __init__(self, specs, model_dirs, fc_size, trainers):
        self.specs, self.model_dirs, self.fc_size = specs, model_dirs, fc_size
        self.trainers = trainers
        self._models = {kind: _restored(spec, model_dirs[kind], fc_size)
                        for kind, spec in specs.items()}

    def __contains__(self, kind):
        return kind in self._models

    def any(self):
        """Whether any model has a checkpoint (the server needs one to start)."""
        return any(self._models.values())

    def get(self, kind):
        """The model `kind`, or None while its folder has no checkpoint."""
        if self._models[kind] is None:
            try:
                self._models[kind] = _restored(self.specs[kind], self.model_dirs[kind],
                                               self.fc_size)
            except UsageError:  # (a damaged checkpoint: still not trained, as at the start)
                pass
        return self._models[kind]

    def hint(self, kind):
        return 'not trained yet: python %s' % self.trainers[kind]

    def listing(self):
        """[{name, trained, hint}] for GET /models."""
        found = [(kind, self.get(kind)) for kind in self._models]
        return [{'name': kind, 'trained': model is not None,
                 'hint': None if model else self.hint(kind)} for kind, model in found]


def _restored(spec, model_dir, fc_size):
    """The model of `spec` in `model_dir`, restored and run once; None when the folder has no
    checkpoint (looked for first: the graph is not built for nothing)."""
    if not checkpoints.state(model_dir):
        return None
    model = model_lib.Model(spec, model_dir, fc_size)  # (the MLP ignores fc_size)
    if not model.checkpoint:
        return None
    model.predict(np.zeros((1, mnist_forward.INPUT_NODE), np.float32))
    return model
