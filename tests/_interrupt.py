"""An interrupted training run, for the resume tests (importable from every test folder:
pytest puts the folder of tests/conftest.py on the path)."""

from ganaug.training.callbacks import Callback


class Crash(Callback):
    """Interrupt training, as Ctrl-C would, when it reaches step ``at_step``."""

    def __init__(self, at_step: int) -> None:
        self.at_step = at_step

    def on_step_end(self, trainer, record) -> None:
        if trainer.step == self.at_step:
            raise KeyboardInterrupt(f"interrupted at step {trainer.step}")
