"""Errors that end a run with exit code 2 and one clear line, never a traceback."""


class UsageError(Exception):
    """Bad configuration, a malformed rule file, a bad flag: the user must act."""


class CheckSetupError(UsageError):
    """A check cannot run at all in this setup (a service it needs is not configured or
    cannot be reached). Raised by a check, it is not turned into a per-file internal-error
    finding: the engine lets it through, naming the rule, and the run ends with exit 2."""


def did_you_mean(word: str, options) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
