# The course's Jupyter server settings, found by `make lab` through JUPYTER_CONFIG_PATH.
# After each save of a notebook, tools/nbclean.py tells git's index the file is unchanged
# when it differs only by outputs and metadata, so `git status` stays clean and a
# `git pull` never conflicts over a lesson the student only ran.
import importlib.util
import pathlib
import warnings

# The server applies this config to its contents manager twice; the second time only
# repeats the same hook, and traitlets' "Overriding existing post_save_hook" is noise.
warnings.filterwarnings("ignore", message="Overriding existing post_save_hook")

_spec = importlib.util.spec_from_file_location("nbclean", pathlib.Path(__file__).resolve().parents[1] / "nbclean.py")
nbclean = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nbclean)


def keep_git_clean(model, os_path, contents_manager, **kwargs):
    if model.get("type") == "notebook":
        nbclean.refresh_index(os_path)


c.ContentsManager.post_save_hook = keep_git_clean  # noqa: F821 (c is the config object)
