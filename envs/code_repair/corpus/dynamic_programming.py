"""Dynamic programming: tables over prefixes, amounts, grids and pairs of strings."""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "dp"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)


def _word(rng, alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


@program(
    "climb_stairs",
    """Return the number of ordered ways to climb exactly n stairs (n >= 0) when each move climbs one of
    the step sizes in steps (distinct positive integers). n = 0 has exactly one way.""",
    """
    def climb_stairs(n, steps):
        ways = [0] * (n + 1)
        ways[0] = 1
        for i in range(1, n + 1):
            total = 0
            for s in steps:
                if s <= i:
                    total += ways[i - s]
            ways[i] = total
        return ways[n]
    """,
)
def _gen_climb_stairs(rng):
    return (rng.randint(0, 12), sorted(rng.sample(range(1, 5), rng.randint(2, 3))))


@program(
    "coin_change_min",
    """Return the minimum number of coins (each denomination usable any number of times) that add up
    to amount, or -1 if it cannot be made. amount = 0 needs 0 coins.""",
    """
    def coin_change_min(coins, amount):
        impossible = amount + 1
        best = [impossible] * (amount + 1)
        best[0] = 0
        for value in range(1, amount + 1):
            for coin in coins:
                if coin <= value and best[value - coin] + 1 < best[value]:
                    best[value] = best[value - coin] + 1
        if best[amount] == impossible:
            return -1
        return best[amount]
    """,
)
def _gen_coin_change_min(rng):
    coins = sorted(rng.sample(range(2, 13), rng.randint(1, 3)))
    if rng.random() < 0.25:
        coins = [1] + coins
    if rng.random() < 0.6:
        return (coins, sum(rng.choice(coins) for _ in range(rng.randint(0, 5))))
    return (coins, rng.randint(0, 30))


@program(
    "coin_change_ways",
    """Return the number of combinations (order does not matter) of coins from the given distinct
    denominations, each usable any number of times, that add up to amount. amount = 0 has one way.""",
    """
    def coin_change_ways(coins, amount):
        ways = [0] * (amount + 1)
        ways[0] = 1
        for coin in coins:
            for value in range(coin, amount + 1):
                previous = ways[value - coin]
                ways[value] = ways[value] + previous
        return ways[amount]
    """,
)
def _gen_coin_change_ways(rng):
    return (sorted(rng.sample(range(1, 11), rng.randint(1, 4))), rng.randint(0, 25))


@program(
    "longest_increasing_subsequence",
    """Return the length of the longest strictly increasing subsequence (not necessarily contiguous)
    of nums; the empty list gives 0.""",
    """
    def longest_increasing_subsequence(nums):
        n = len(nums)
        if n == 0:
            return 0
        lengths = [1] * n
        for i in range(1, n):
            for j in range(i):
                if nums[j] < nums[i] and lengths[j] + 1 > lengths[i]:
                    lengths[i] = lengths[j] + 1
        return max(lengths)
    """,
)
def _gen_longest_increasing_subsequence(rng):
    return ([rng.randint(-10, 10) for _ in range(rng.randint(0, 12))],)


@program(
    "lcs_length",
    """Return the length of the longest common subsequence of strings a and b.""",
    """
    def lcs_length(a, b):
        rows = len(a) + 1
        cols = len(b) + 1
        table = [[0] * cols for _ in range(rows)]
        for i in range(1, rows):
            for j in range(1, cols):
                if a[i - 1] == b[j - 1]:
                    table[i][j] = table[i - 1][j - 1] + 1
                else:
                    table[i][j] = max(table[i - 1][j], table[i][j - 1])
        return table[rows - 1][cols - 1]
    """,
)
def _gen_lcs_length(rng):
    return (_word(rng, "abcd", rng.choice((0, 1, 1)), 10), _word(rng, "abcd", rng.choice((0, 1, 1)), 10))


@program(
    "edit_distance",
    """Return the Levenshtein distance between strings a and b: the minimum number of single-character
    insertions, deletions and substitutions turning a into b.""",
    """
    def edit_distance(a, b):
        n = len(a)
        m = len(b)
        prev = list(range(m + 1))
        for i in range(1, n + 1):
            curr = [i] + [0] * m
            for j in range(1, m + 1):
                if a[i - 1] == b[j - 1]:
                    curr[j] = prev[j - 1]
                else:
                    curr[j] = 1 + min(prev[j], curr[j - 1], prev[j - 1])
            prev = curr
        return prev[m]
    """,
)
def _gen_edit_distance(rng):
    return (_word(rng, "abc", 0, 8), _word(rng, "abc", 0, 8))


@program(
    "knapsack_01",
    """0/1 knapsack: given item weights and values (same length) and a capacity >= 0, return the
    largest total value of a subset of items whose total weight is at most capacity.""",
    """
    def knapsack_01(weights, values, capacity):
        best = [0] * (capacity + 1)
        for i in range(len(weights)):
            w = weights[i]
            v = values[i]
            for c in range(capacity, w - 1, -1):
                candidate = best[c - w] + v
                if candidate > best[c]:
                    best[c] = candidate
        return best[capacity]
    """,
)
def _gen_knapsack_01(rng):
    n = rng.randint(0, 7)
    weights = [rng.randint(1, 8) for _ in range(n)]
    values = [rng.randint(1, 20) for _ in range(n)]
    return (weights, values, rng.randint(0, 20))


@program(
    "max_subarray_sum",
    """Return the largest sum of a non-empty contiguous sublist of nums (Kadane's algorithm); when all
    numbers are negative this is the largest one. The empty list gives 0.""",
    """
    def max_subarray_sum(nums):
        if not nums:
            return 0
        best = nums[0]
        current = nums[0]
        for i in range(1, len(nums)):
            x = nums[i]
            if current + x > x:
                current = current + x
            else:
                current = x
            if current > best:
                best = current
        return best
    """,
)
def _gen_max_subarray_sum(rng):
    return ([rng.randint(-10, 10) for _ in range(rng.randint(0, 12))],)


@program(
    "house_robber",
    """Given non-negative amounts in a row of houses, return the largest total obtainable without
    taking two adjacent houses. An empty row gives 0.""",
    """
    def house_robber(amounts):
        take = 0
        skip = 0
        for amount in amounts:
            new_take = skip + amount
            new_skip = max(take, skip)
            take = new_take
            skip = new_skip
        if take > skip:
            return take
        return skip
    """,
)
def _gen_house_robber(rng):
    return ([rng.randint(0, 15) for _ in range(rng.randint(0, 12))],)


@program(
    "unique_paths_obstacles",
    """Count the paths from the top-left to the bottom-right cell of a grid (list of rows of 0/1, 1 =
    obstacle) moving only right or down through 0 cells. Return 0 if either corner is an obstacle.""",
    """
    def unique_paths_obstacles(grid):
        rows = len(grid)
        cols = len(grid[0])
        paths = [[0] * cols for _ in range(rows)]
        for r in range(rows):
            for c in range(cols):
                if grid[r][c] == 1:
                    paths[r][c] = 0
                elif r == 0 and c == 0:
                    paths[r][c] = 1
                else:
                    up = paths[r - 1][c] if r > 0 else 0
                    left = paths[r][c - 1] if c > 0 else 0
                    paths[r][c] = up + left
        return paths[rows - 1][cols - 1]
    """,
)
def _gen_unique_paths_obstacles(rng):
    rows, cols = rng.randint(2, 5), rng.randint(1, 5)
    p = rng.choice((0.0, 0.1, 0.2, 0.3))
    return ([[1 if rng.random() < p else 0 for _ in range(cols)] for _ in range(rows)],)


@program(
    "min_path_sum",
    """Given a non-empty grid of integers (list of equal-length rows), return the smallest sum of the
    cells on a path from the top-left to the bottom-right cell moving only right or down.""",
    """
    def min_path_sum(grid):
        rows = len(grid)
        cols = len(grid[0])
        cost = [[0] * cols for _ in range(rows)]
        for r in range(rows):
            for c in range(cols):
                if r == 0 and c == 0:
                    cost[r][c] = grid[r][c]
                elif r == 0:
                    cost[r][c] = cost[r][c - 1] + grid[r][c]
                elif c == 0:
                    cost[r][c] = cost[r - 1][c] + grid[r][c]
                else:
                    cost[r][c] = min(cost[r - 1][c], cost[r][c - 1]) + grid[r][c]
        return cost[rows - 1][cols - 1]
    """,
)
def _gen_min_path_sum(rng):
    rows, cols = rng.randint(1, 4), rng.randint(1, 4)
    return ([[rng.randint(0, 9) for _ in range(cols)] for _ in range(rows)],)


@program(
    "subset_sum_count",
    """Return the number of subsets of positions of nums (non-negative integers) whose values add up
    to target >= 0; the empty subset counts when target is 0.""",
    """
    def subset_sum_count(nums, target):
        counts = [0] * (target + 1)
        counts[0] = 1
        for x in nums:
            for total in range(target, x - 1, -1):
                without = counts[total - x]
                counts[total] = counts[total] + without
        return counts[target]
    """,
)
def _gen_subset_sum_count(rng):
    nums = [rng.randint(0, 9) for _ in range(rng.randint(0, 10))]
    if rng.random() < 0.6:
        return (nums, sum(x for x in nums if rng.random() < 0.4))
    return (nums, rng.randint(0, min(30, sum(nums) + 2)))


@program(
    "longest_palindromic_subsequence",
    """Return the length of the longest subsequence (not necessarily contiguous) of s that is a
    palindrome; the empty string gives 0.""",
    """
    def longest_palindromic_subsequence(s):
        n = len(s)
        if n == 0:
            return 0
        table = [[0] * n for _ in range(n)]
        for i in range(n - 1, -1, -1):
            table[i][i] = 1
            for j in range(i + 1, n):
                if s[i] == s[j]:
                    table[i][j] = table[i + 1][j - 1] + 2
                else:
                    table[i][j] = max(table[i + 1][j], table[i][j - 1])
        return table[0][n - 1]
    """,
)
def _gen_longest_palindromic_subsequence(rng):
    return (_word(rng, "abc", 0, 11),)


@program(
    "word_break_count",
    """Return the number of ways to split s into a sequence of words from the list words (each word may
    be used any number of times). The empty string has one way.""",
    """
    def word_break_count(s, words):
        n = len(s)
        ways = [0] * (n + 1)
        ways[0] = 1
        for end in range(1, n + 1):
            for word in words:
                start = end - len(word)
                if start >= 0 and s[start:end] == word:
                    ways[end] += ways[start]
        return ways[n]
    """,
)
def _gen_word_break_count(rng):
    pool = ["b", "ab", "ba", "aab", "bab"]
    if rng.random() < 0.7:
        words = sorted(["a", rng.choice(("aa", "aaa"))] + rng.sample(pool, rng.randint(1, 2)))
    else:
        words = sorted(rng.sample(pool, rng.randint(2, 3)))
    s = "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
    if rng.random() < 0.2:
        s += rng.choice("ab")
    return (s, words)


@program(
    "decode_ways",
    """Count the ways to decode a string of digits where "1".."26" map to letters A..Z; a "0" can only
    appear as the second digit of "10" or "20". The empty string has one way; an invalid string has 0.""",
    """
    def decode_ways(s):
        n = len(s)
        ways = [0] * (n + 1)
        ways[0] = 1
        for i in range(1, n + 1):
            if s[i - 1] != "0":
                ways[i] += ways[i - 1]
            if i >= 2:
                pair = int(s[i - 2:i])
                if 10 <= pair <= 26:
                    ways[i] += ways[i - 2]
        return ways[n]
    """,
)
def _gen_decode_ways(rng):
    return ("".join(rng.choice("1122602739") for _ in range(rng.randint(0, 9))),)


@program(
    "min_jumps",
    """nums[i] >= 0 is the longest jump allowed from index i. Return the minimum number of jumps needed
    to go from index 0 to the last index, or -1 if it is unreachable; a list of length <= 1 needs 0.""",
    """
    def min_jumps(nums):
        n = len(nums)
        if n <= 1:
            return 0
        jumps = [-1] * n
        jumps[0] = 0
        for i in range(n):
            if jumps[i] < 0:
                continue
            for step in range(1, nums[i] + 1):
                j = i + step
                if j < n and (jumps[j] < 0 or jumps[i] + 1 < jumps[j]):
                    jumps[j] = jumps[i] + 1
        return jumps[n - 1]
    """,
)
def _gen_min_jumps(rng):
    return ([rng.choice((0, 1, 1, 2, 2, 3, 3, 4)) for _ in range(rng.randint(0, 12))],)


@program(
    "rod_cutting",
    """prices[i] is the price of a rod piece of length i + 1. Return the largest revenue obtainable by
    cutting a rod of length n >= 0 into pieces whose lengths are at most len(prices).""",
    """
    def rod_cutting(prices, n):
        best = [0] * (n + 1)
        for length in range(1, n + 1):
            top = 0
            for piece in range(1, min(length, len(prices)) + 1):
                value = prices[piece - 1] + best[length - piece]
                if value > top:
                    top = value
            best[length] = top
        return best[n]
    """,
)
def _gen_rod_cutting(rng):
    return ([rng.randint(1, 12) for _ in range(rng.randint(1, 6))], rng.randint(0, 12))
