"""Numbers and number theory: divisibility, primes, bases, digits and integer arithmetic."""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "numbers"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)


@program(
    "gcd_list",
    """Return the greatest common divisor of all integers in nums (which may be negative or zero),
    computed with Euclid's algorithm. The result is never negative; an empty list or all zeros give
    0.""",
    """
    def gcd_list(nums):
        result = 0
        for x in nums:
            a = abs(result)
            b = abs(x)
            while b != 0:
                a, b = b, a % b
            result = a
        return result
    """,
)
def _gen_gcd_list(rng):
    factor = rng.choice((1, 2, 3, 4, 5, 6, 12))
    return ([factor * rng.randint(-8, 8) for _ in range(rng.randint(0, 5))],)


@program(
    "lcm_list",
    """Return the least common multiple of the positive integers in nums; an empty list gives 1.
    Compute it incrementally as lcm(a, b) = a * b // gcd(a, b) with Euclid's algorithm.""",
    """
    def lcm_list(nums):
        result = 1
        for k in nums:
            a = result
            b = k
            while b > 0:
                a, b = b, a % b
            result = result * k // a
        return result
    """,
)
def _gen_lcm_list(rng):
    return ([rng.randint(1, 12) for _ in range(rng.choice((0, 1, 2, 3, 3, 4, 4, 5)))],)


@program(
    "primes_up_to",
    """Return the ascending list of all prime numbers <= n, using the sieve of Eratosthenes. For n < 2
    the list is empty.""",
    """
    def primes_up_to(n):
        if n < 2:
            return []
        is_prime = [True] * (n + 1)
        is_prime[0] = False
        is_prime[1] = False
        p = 2
        while p * p <= n:
            if is_prime[p]:
                for multiple in range(p * p, n + 1, p):
                    is_prime[multiple] = False
            p += 1
        primes = []
        for i in range(n + 1):
            if is_prime[i]:
                primes.append(i)
        return primes
    """,
)
def _gen_primes_up_to(rng):
    return (rng.choice((rng.randint(-2, 60), rng.randint(0, 5))),)


@program(
    "prime_factors",
    """Return the prime factorisation of n >= 1 as an ascending list of primes with multiplicity, e.g.
    12 -> [2, 2, 3]; 1 gives [].""",
    """
    def prime_factors(n):
        factors = []
        d = 2
        while d * d <= n:
            while n % d == 0:
                factors.append(d)
                n //= d
            d += 1
        if n > 1:
            factors.append(n)
        return factors
    """,
)
def _gen_prime_factors(rng):
    return (rng.randint(1, 400),)


@program(
    "int_to_base",
    """Return the representation of integer n in the given base (2 <= base <= 16) using digits
    0-9 then uppercase A-F, with a leading '-' for negative numbers; 0 gives "0".""",
    """
    def int_to_base(n, base):
        digits = "0123456789ABCDEF"
        if n == 0:
            return "0"
        negative = n < 0
        n = abs(n)
        out = []
        while n > 0:
            out.append(digits[n % base])
            n //= base
        if negative:
            out.append("-")
        return "".join(reversed(out))
    """,
)
def _gen_int_to_base(rng):
    n = rng.choice((rng.randint(-300, 300), rng.randint(-300, 300), rng.randint(-2, 2)))
    return (n, rng.choice((2, 3, 8, 10, 16, rng.randint(2, 16))))


@program(
    "base_to_int",
    """Parse the string s as an integer written in the given base (2 <= base <= 16) with digits 0-9 and
    letters A-F in either case and an optional leading '-'. Return None if s has no digits or contains
    a character that is not a valid digit in that base.""",
    """
    def base_to_int(s, base):
        digits = "0123456789abcdef"
        sign = 1
        if s.startswith("-"):
            sign = -1
            s = s[1:]
        if not s:
            return None
        value = 0
        for ch in s.lower():
            d = digits.find(ch)
            if d < 0 or d >= base:
                return None
            value = value * base + d
        return sign * value
    """,
)
def _gen_base_to_int(rng):
    base = rng.choice((2, 8, 10, 16, rng.randint(2, 16)))
    alphabet = "0123456789abcdef"[:base] + "ABCDEF"[: max(0, base - 10)]
    if rng.random() < 0.2:
        alphabet += "gz"
    s = rng.choice(("", "", "-")) + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
    return (s, base)


@program(
    "int_to_roman",
    """Return the Roman numeral for 1 <= n <= 3999 in standard subtractive form (e.g. 4 -> "IV",
    1994 -> "MCMXCIV").""",
    """
    def int_to_roman(n):
        values = [1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1]
        symbols = ["M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"]
        out = ""
        i = 0
        while n > 0:
            if n >= values[i]:
                out += symbols[i]
                n -= values[i]
            else:
                i += 1
        return out
    """,
)
def _gen_int_to_roman(rng):
    return (rng.choice((rng.randint(1, 50), rng.randint(1, 3999), rng.choice((4, 9, 14, 40, 90, 400, 944)))),)


@program(
    "roman_to_int",
    """Return the integer value of a valid Roman numeral string (symbols I, V, X, L, C, D, M): a symbol
    smaller than the one after it is subtracted, otherwise added. The empty string gives 0.""",
    """
    def roman_to_int(s):
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = 0
        for i in range(len(s)):
            v = values[s[i]]
            if i + 1 < len(s) and v < values[s[i + 1]]:
                total -= v
            else:
                total += v
        return total
    """,
)
def _gen_roman_to_int(rng):
    n = rng.randint(0, 2500)
    pairs = (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    )
    s = ""
    for v, sym in pairs:
        while n >= v:
            s += sym
            n -= v
    return (s,)


@program(
    "power_mod",
    """Return (base ** exp) % mod for integers base, exp >= 0 and mod >= 1, computed by binary
    (square-and-multiply) exponentiation. The result is in the range [0, mod).""",
    """
    def power_mod(base, exp, mod):
        result = 1 % mod
        base = base % mod
        while exp > 0:
            if exp % 2 == 1:
                result = (result * base) % mod
            base = (base * base) % mod
            exp = exp // 2
        return result
    """,
)
def _gen_power_mod(rng):
    return (rng.randint(-20, 50), rng.randint(0, 40), rng.randint(1, 97))


@program(
    "integer_sqrt",
    """Return the floor of the square root of a non-negative integer n (the largest r with r * r <= n),
    found by binary search.""",
    """
    def integer_sqrt(n):
        lo = 0
        hi = n
        answer = 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if mid * mid <= n:
                answer = mid
                lo = mid + 1
            else:
                hi = mid - 1
        return answer
    """,
)
def _gen_integer_sqrt(rng):
    r = rng.randint(0, 30)
    return (max(0, r * r + rng.choice((-1, 0, 0, 1, rng.randint(0, 2 * r)))),)


@program(
    "collatz_steps",
    """Return how many steps of the Collatz map (n -> n / 2 when n is even, n -> 3n + 1 when n is odd)
    it takes to reach 1 from the positive integer n; 1 itself takes 0 steps.""",
    """
    def collatz_steps(n):
        steps = 0
        while n != 1:
            if n % 2 == 0:
                n = n // 2
            else:
                n = 3 * n + 1
            steps += 1
        return steps
    """,
)
def _gen_collatz_steps(rng):
    return (rng.randint(1, 100),)


@program(
    "proper_divisor_sum",
    """Return the sum of the proper divisors of n >= 1 (the divisors smaller than n), e.g. 12 -> 16 and
    28 -> 28; 1 gives 0. Enumerate divisor pairs up to the square root.""",
    """
    def proper_divisor_sum(n):
        if n == 1:
            return 0
        total = 1
        d = 2
        while d * d <= n:
            if n % d == 0:
                total += d
                other = n // d
                if other != d:
                    total += other
            d += 1
        return total
    """,
)
def _gen_proper_divisor_sum(rng):
    return (rng.choice((rng.randint(1, 200), rng.choice((1, 6, 28, 36, 49, 97, 100)))),)


@program(
    "reverse_integer",
    """Return the integer whose decimal digits are those of n in reverse order, keeping n's sign;
    leading zeros of the result disappear (e.g. -120 -> -21).""",
    """
    def reverse_integer(n):
        sign = 1
        if n < 0:
            sign = -1
        n = abs(n)
        result = 0
        while n > 0:
            digit = n % 10
            result = result * 10 + digit
            n = n // 10
        return sign * result
    """,
)
def _gen_reverse_integer(rng):
    return (rng.choice((rng.randint(-999, 999), 10 * rng.randint(-50, 50), rng.randint(-9, 9))),)


@program(
    "binomial",
    """Return the binomial coefficient C(n, k) for integers n >= 0 and k, computed multiplicatively
    with exact integer arithmetic; it is 0 when k < 0 or k > n.""",
    """
    def binomial(n, k):
        if k < 0 or k > n:
            return 0
        if k > n - k:
            k = n - k
        result = 1
        for i in range(1, k + 1):
            result = result * (n - k + i) // i
        return result
    """,
)
def _gen_binomial(rng):
    n = rng.randint(0, 20)
    if rng.random() < 0.8:
        return (n, rng.randint(0, n))
    return (n, rng.choice((-2, -1, n + 1, n + 3)))


@program(
    "extended_gcd",
    """Return a tuple (g, x, y) with g = gcd(a, b) >= 0 and a * x + b * y == g, for non-negative
    integers a and b, using the iterative extended Euclidean algorithm (a = b = 0 gives (0, 1, 0)).""",
    """
    def extended_gcd(a, b):
        old_r, r = a, b
        old_x, x = 1, 0
        old_y, y = 0, 1
        while r != 0:
            q = old_r // r
            old_r, r = r, old_r - q * r
            old_x, x = x, old_x - q * x
            old_y, y = y, old_y - q * y
        return (old_r, old_x, old_y)
    """,
)
def _gen_extended_gcd(rng):
    return (rng.randint(0, 100), rng.randint(0, 100))


@program(
    "excel_column_name",
    """Return the spreadsheet column name of the positive integer n: 1 -> "A", 26 -> "Z", 27 -> "AA",
    28 -> "AB", 702 -> "ZZ", 703 -> "AAA".""",
    """
    def excel_column_name(n):
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        name = ""
        while n > 0:
            n -= 1
            remainder = n % 26
            name = letters[remainder] + name
            n = n // 26
        return name
    """,
)
def _gen_excel_column_name(rng):
    return (rng.choice((rng.randint(1, 30), rng.randint(1, 800), rng.choice((26, 27, 52, 702, 703)))),)
