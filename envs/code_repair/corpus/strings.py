"""String processing: parsing, encoding, scanning and small text transforms."""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "strings"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_WORDS = ("cat", "dog", "sun", "tree", "a", "go", "blue", "sky", "red", "x", "code", "loop")


def _word(rng, alphabet="abc", lo=0, hi=8):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def _sentence(rng, max_words=5):
    words = [rng.choice(_WORDS) for _ in range(rng.randint(0, max_words))]
    text = ""
    for w in words:
        text += " " * rng.choice((0, 1, 1, 1, 2)) + w
    return text + " " * rng.choice((0, 0, 1))


@program(
    "longest_palindromic_substring",
    """Return the longest contiguous substring of s that reads the same forwards and backwards. When
    several have the maximal length, return the one that starts first. The empty string gives "".""",
    """
    def longest_palindromic_substring(s):
        best_start = 0
        best_len = 0
        for center in range(len(s)):
            for width in (0, 1):
                lo = center
                hi = center + width
                while lo >= 0 and hi < len(s) and s[lo] == s[hi]:
                    lo -= 1
                    hi += 1
                length = hi - lo - 1
                if length > best_len:
                    best_len = length
                    best_start = lo + 1
        return s[best_start:best_start + best_len]
    """,
)
def _gen_longest_palindromic_substring(rng):
    return (_word(rng, "abc", 0, 10),)


@program(
    "reverse_words",
    """Return the words of s (maximal runs of non-space characters) in reverse order, joined by single
    spaces, with no leading or trailing spaces. A string with no words gives "".""",
    """
    def reverse_words(s):
        words = []
        current = ""
        for ch in s:
            if ch == " ":
                if current:
                    words.append(current)
                current = ""
            else:
                current += ch
        if current:
            words.append(current)
        result = []
        for i in range(len(words) - 1, -1, -1):
            result.append(words[i])
        return " ".join(result)
    """,
)
def _gen_reverse_words(rng):
    return (_sentence(rng),)


@program(
    "run_length_encode",
    """Encode s by replacing each maximal run of a repeated character with the character followed by
    the run length in decimal, e.g. "aaabcc" -> "a3b1c2". The empty string gives "".""",
    """
    def run_length_encode(s):
        if not s:
            return ""
        parts = []
        current = s[0]
        count = 1
        for ch in s[1:]:
            if ch == current:
                count += 1
            else:
                parts.append(current + str(count))
                current = ch
                count = 1
        parts.append(current + str(count))
        return "".join(parts)
    """,
)
def _gen_run_length_encode(rng):
    s = ""
    for _ in range(rng.randint(0, 5)):
        s += rng.choice("abc") * rng.randint(1, 4)
    return (s,)


@program(
    "run_length_decode",
    """Decode a run-length string made of (letter, decimal count) pieces, e.g. "a3b12" -> "aaab" + 12
    "b"s. Counts may have several digits and may be 0. The empty string gives "".""",
    """
    def run_length_decode(s):
        result = []
        i = 0
        while i < len(s):
            ch = s[i]
            j = i + 1
            count = 0
            while j < len(s) and s[j].isdigit():
                count = count * 10 + int(s[j])
                j += 1
            result.append(ch * count)
            i = j
        return "".join(result)
    """,
)
def _gen_run_length_decode(rng):
    s = ""
    for _ in range(rng.randint(0, 4)):
        s += rng.choice("xyz") + str(rng.choice((0, 1, 2, 3, 5, 10, 12)))
    return (s,)


@program(
    "caesar_shift",
    """Shift every ASCII letter of s by k positions in the alphabet (k may be negative or larger than
    26), wrapping around and keeping its case; every other character is unchanged.""",
    """
    def caesar_shift(s, k):
        out = []
        for ch in s:
            if "a" <= ch <= "z":
                base = ord("a")
            elif "A" <= ch <= "Z":
                base = ord("A")
            else:
                out.append(ch)
                continue
            offset = (ord(ch) - base + k) % 26
            out.append(chr(base + offset))
        return "".join(out)
    """,
)
def _gen_caesar_shift(rng):
    s = "".join(rng.choice("abxyzABXYZ .!1") for _ in range(rng.randint(0, 10)))
    return (s, rng.randint(-30, 30))


@program(
    "longest_common_prefix",
    """Return the longest string that is a prefix of every string in words. An empty list of words
    gives "".""",
    """
    def longest_common_prefix(words):
        if not words:
            return ""
        prefix = words[0]
        for word in words[1:]:
            i = 0
            limit = min(len(prefix), len(word))
            while i < limit and prefix[i] == word[i]:
                i += 1
            prefix = prefix[:i]
            if not prefix:
                break
        return prefix
    """,
)
def _gen_longest_common_prefix(rng):
    stem = _word(rng, "ab", 0, 4)
    words = [stem + _word(rng, "ab", 0, 3) for _ in range(rng.randint(0, 5))]
    return (words,)


@program(
    "longest_unique_substring",
    """Return the length of the longest contiguous substring of s in which no character repeats. The
    empty string gives 0.""",
    """
    def longest_unique_substring(s):
        last_seen = {}
        start = 0
        best = 0
        for i in range(len(s)):
            ch = s[i]
            if ch in last_seen and last_seen[ch] >= start:
                start = last_seen[ch] + 1
            last_seen[ch] = i
            length = i - start + 1
            if length > best:
                best = length
        return best
    """,
)
def _gen_longest_unique_substring(rng):
    return (_word(rng, rng.choice(("abc", "abcdef", "abcdefgh")), 0, 12),)


@program(
    "string_to_int",
    """Parse an integer like C's atoi: skip leading spaces, accept one optional '+' or '-', then read
    decimal digits up to the first non-digit. Return 0 if there are no digits, and clamp the result to
    the range [-1000, 1000].""",
    """
    def string_to_int(s):
        i = 0
        n = len(s)
        while i < n and s[i] == " ":
            i += 1
        sign = 1
        if i < n and (s[i] == "-" or s[i] == "+"):
            if s[i] == "-":
                sign = -1
            i += 1
        value = 0
        while i < n and s[i].isdigit():
            value = value * 10 + int(s[i])
            i += 1
        value = sign * value
        if value > 1000:
            return 1000
        if value < -1000:
            return -1000
        return value
    """,
)
def _gen_string_to_int(rng):
    s = " " * rng.randint(0, 2) + rng.choice(("", "", "-", "+", "x", "--"))
    s += "".join(rng.choice("0123456789") for _ in range(rng.choice((0, 1, 2, 3, 3, 4))))
    s += rng.choice(("", "", "a1", " 7", "-2"))
    return (s,)


@program(
    "first_unique_char",
    """Return the index of the first character of s that occurs exactly once in s, or -1 if every
    character repeats (including for the empty string).""",
    """
    def first_unique_char(s):
        counts = {}
        for ch in s:
            if ch in counts:
                counts[ch] += 1
            else:
                counts[ch] = 1
        for i in range(len(s)):
            if counts[s[i]] == 1:
                return i
        return -1
    """,
)
def _gen_first_unique_char(rng):
    return (_word(rng, rng.choice(("ab", "abc", "abc", "abcd")), 0, 10),)


@program(
    "zigzag_convert",
    """Write s in a zigzag over num_rows rows (down the rows, then diagonally back up, and so on) and
    return the rows read left to right, top to bottom, concatenated. With one row, s is returned
    unchanged.""",
    """
    def zigzag_convert(s, num_rows):
        if num_rows == 1 or num_rows >= len(s):
            return s
        rows = [""] * num_rows
        row = 0
        step = 1
        for ch in s:
            rows[row] += ch
            if row == 0:
                step = 1
            elif row == num_rows - 1:
                step = -1
            row += step
        return "".join(rows)
    """,
)
def _gen_zigzag_convert(rng):
    return (_word(rng, _LOWER[:10], 0, 12), rng.randint(1, 4))


@program(
    "count_overlapping",
    """Return how many times the non-empty string sub occurs in s, counting overlapping occurrences
    (e.g. "aa" occurs 3 times in "aaaa").""",
    """
    def count_overlapping(s, sub):
        count = 0
        n = len(s)
        m = len(sub)
        for i in range(n - m + 1):
            match = True
            for j in range(m):
                if s[i + j] != sub[j]:
                    match = False
                    break
            if match:
                count += 1
        return count
    """,
)
def _gen_count_overlapping(rng):
    s = _word(rng, "ab", 0, 12)
    if len(s) >= 2 and rng.random() < 0.6:
        i = rng.randrange(len(s) - 1)
        return (s, s[i : i + rng.randint(1, 3)])
    return (s, _word(rng, "ab", 1, 3))


@program(
    "camel_to_snake",
    """Convert a camelCase or PascalCase identifier to snake_case: every uppercase letter becomes
    lowercase and, unless it is the first character or follows another uppercase letter or an
    underscore, is preceded by an underscore. Other characters are copied.""",
    """
    def camel_to_snake(name):
        out = []
        for i in range(len(name)):
            ch = name[i]
            if ch.isupper():
                prev = name[i - 1] if i > 0 else ""
                if i > 0 and not prev.isupper() and prev != "_":
                    out.append("_")
                out.append(ch.lower())
            else:
                out.append(ch)
        return "".join(out)
    """,
)
def _gen_camel_to_snake(rng):
    parts = [rng.choice(("get", "Set", "HTTP", "value", "Id", "x", "_", "Max", "url", "2")) for _ in range(4)]
    return ("".join(parts[: rng.randint(0, 4)]),)


@program(
    "wrap_text",
    """Greedily wrap the space-separated words of text into lines of at most width characters (words
    joined by single spaces); a word longer than width goes alone on its own line. Return the list of
    lines; text with no words gives [].""",
    """
    def wrap_text(text, width):
        lines = []
        current = ""
        for word in text.split():
            if not current:
                current = word
            elif len(current) + 1 + len(word) <= width:
                current = current + " " + word
            else:
                lines.append(current)
                current = word
        if current:
            lines.append(current)
        return lines
    """,
)
def _gen_wrap_text(rng):
    return (_sentence(rng, 6), rng.randint(3, 12))


@program(
    "hamming_distance",
    """Return the number of positions at which strings a and b differ, comparing up to the shorter
    length, plus the difference in their lengths.""",
    """
    def hamming_distance(a, b):
        shorter = min(len(a), len(b))
        distance = 0
        for i in range(shorter):
            if a[i] != b[i]:
                distance += 1
        distance += abs(len(a) - len(b))
        return distance
    """,
)
def _gen_hamming_distance(rng):
    a = _word(rng, "abc", 0, 9)
    b = list(a[: rng.randint(0, len(a))] + _word(rng, "abc", 0, 3))
    for _ in range(rng.randint(0, 3)):
        if b:
            b[rng.randrange(len(b))] = rng.choice("abc")
    return (a, "".join(b))


@program(
    "anagram_groups",
    """Group the words that are anagrams of each other (same letters with the same counts). Return a
    list of groups, each group a list of words in input order, with groups ordered by the position of
    their first word. Duplicate words are kept.""",
    """
    def anagram_groups(words):
        index = {}
        groups = []
        for word in words:
            key = "".join(sorted(word))
            if key in index:
                groups[index[key]].append(word)
            else:
                index[key] = len(groups)
                groups.append([word])
        return groups
    """,
)
def _gen_anagram_groups(rng):
    pool = ["eat", "tea", "ate", "tan", "nat", "bat", "tab", "a", "", "ab", "ba"]
    return ([rng.choice(pool) for _ in range(rng.randint(0, 7))],)
