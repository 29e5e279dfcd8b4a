"""The pathspec-free fast path for literal-directory globs ("**/_posts/**", "content/**")
decides exactly as pathspec's gitignore matching does."""

import itertools

import pathspec
import pytest

from lint.checks import frontmatter

GLOBS = ["**/_posts/**", "**/_drafts/**", "content/**", "content/news/**", "**/a.b/c-d/**", "_posts/**"]
PARTS = ["_posts", "_drafts", "content", "news", "a.b", "c-d", "x", "_posts.md", "", ".", "..", " _posts"]
PATHS = sorted({"/".join(t) for n in range(1, 4) for t in itertools.product(PARTS, repeat=n)}
               | {"./_posts/a.md", "../_posts/a.md", "/abs/_posts/a.md", "_posts/", "a/_posts/",
                  "a\\_posts\\b", "_POSTS/a", "a/_posts/b\n", "C:\\blog\\_posts\\x.md"})


@pytest.mark.parametrize("glob", GLOBS)
def test_literal_directory_globs_match_like_pathspec(glob):
    assert frontmatter._simple(glob) is not None  # the fast path is taken
    spec = pathspec.GitIgnoreSpec.from_lines([glob])
    differ = [p for p in PATHS
              if frontmatter._matches(p, glob) != spec.match_file(frontmatter._relative(p))]
    assert differ == []


@pytest.mark.parametrize("glob", ["*.md", "**/_posts/*.md", "!_posts/**", "_po?ts/**", "**"])
def test_other_globs_go_to_pathspec(glob):
    assert frontmatter._simple(glob) is None
