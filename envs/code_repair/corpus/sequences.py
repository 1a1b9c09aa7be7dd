"""Sequences and arrays: rotations, prefix sums, runs, windows and element-wise scans."""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "sequences"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)


def _ints(rng, lo=-9, hi=9, max_len=12, min_len=0):
    return [rng.randint(lo, hi) for _ in range(rng.randint(min_len, max_len))]


@program(
    "rotate_right",
    """Return a new list with the elements of nums rotated k positions to the right (k may be negative,
    meaning a left rotation, or larger than the length). An empty list gives [].""",
    """
    def rotate_right(nums, k):
        n = len(nums)
        if n == 0:
            return []
        k = k % n
        result = [0] * n
        for i in range(n):
            result[(i + k) % n] = nums[i]
        return result
    """,
)
def _gen_rotate_right(rng):
    return (_ints(rng, 0, 9, 8), rng.randint(-10, 10))


@program(
    "range_sum_queries",
    """Answer inclusive range-sum queries: for each (lo, hi) in queries with 0 <= lo <= hi < len(nums),
    return nums[lo] + ... + nums[hi], using a prefix-sum array. Return the list of answers.""",
    """
    def range_sum_queries(nums, queries):
        prefix = [0] * (len(nums) + 1)
        for i in range(len(nums)):
            prefix[i + 1] = prefix[i] + nums[i]
        answers = []
        for lo, hi in queries:
            total = prefix[hi + 1] - prefix[lo]
            answers.append(total)
        return answers
    """,
)
def _gen_range_sum_queries(rng):
    nums = _ints(rng, -9, 9, 10, 1)
    queries = []
    for _ in range(rng.randint(1, 4)):
        lo = rng.randrange(len(nums))
        queries.append((lo, rng.randint(lo, len(nums) - 1)))
    return (nums, queries)


@program(
    "dedupe_keep_order",
    """Return the list of distinct values of nums in the order of their first occurrence.""",
    """
    def dedupe_keep_order(nums):
        seen = set()
        result = []
        for x in nums:
            if x in seen:
                continue
            seen.add(x)
            result.append(x)
        return result
    """,
)
def _gen_dedupe_keep_order(rng):
    return (_ints(rng, 0, 6),)


@program(
    "chunk_list",
    """Split nums into consecutive chunks of length size (size >= 1); the last chunk may be shorter.
    Return the list of chunks (lists); an empty input gives [].""",
    """
    def chunk_list(nums, size):
        chunks = []
        current = []
        for x in nums:
            current.append(x)
            if len(current) == size:
                chunks.append(current)
                current = []
        if current:
            chunks.append(current)
        return chunks
    """,
)
def _gen_chunk_list(rng):
    return (_ints(rng, 0, 9), rng.randint(1, 5))


@program(
    "interleave",
    """Return a new list taking elements alternately from a and b (a[0], b[0], a[1], b[1], ...); once
    the shorter list runs out, the rest of the longer one follows in order.""",
    """
    def interleave(a, b):
        result = []
        i = 0
        while i < len(a) and i < len(b):
            result.append(a[i])
            result.append(b[i])
            i += 1
        if i < len(a):
            result.extend(a[i:])
        if i < len(b):
            result.extend(b[i:])
        return result
    """,
)
def _gen_interleave(rng):
    return (_ints(rng, 0, 9, 6), _ints(rng, 10, 19, 6))


@program(
    "longest_increasing_run",
    """Return the length of the longest contiguous run of strictly increasing values in nums; an empty
    list gives 0 and a single element gives 1.""",
    """
    def longest_increasing_run(nums):
        if not nums:
            return 0
        best = 1
        current = 1
        for i in range(1, len(nums)):
            if nums[i] > nums[i - 1]:
                current += 1
                if current > best:
                    best = current
            else:
                current = 1
        return best
    """,
)
def _gen_longest_increasing_run(rng):
    nums = _ints(rng, 0, 9, 12, rng.choice((0, 1, 1)))
    if nums and rng.random() < 0.5:
        i = rng.randrange(len(nums))
        nums[i:i] = list(range(nums[i], nums[i] + rng.randint(2, 5)))
    return (nums,)


@program(
    "count_inversions",
    """Return the number of index pairs i < j with nums[i] > nums[j] (equal values are not an
    inversion).""",
    """
    def count_inversions(nums):
        n = len(nums)
        count = 0
        for i in range(n):
            for j in range(i + 1, n):
                if nums[i] > nums[j]:
                    count += 1
        return count
    """,
)
def _gen_count_inversions(rng):
    return (_ints(rng, 0, 9),)


@program(
    "majority_element",
    """Return the value that occurs in more than half of the positions of nums, or None if no value
    does (including for an empty list). Use the Boyer-Moore voting algorithm and verify the
    candidate.""",
    """
    def majority_element(nums):
        candidate = None
        count = 0
        for x in nums:
            if count == 0:
                candidate = x
                count = 1
            elif x == candidate:
                count += 1
            else:
                count -= 1
        occurrences = 0
        for x in nums:
            if x == candidate:
                occurrences += 1
        if occurrences * 2 > len(nums):
            return candidate
        return None
    """,
)
def _gen_majority_element(rng):
    n = rng.randint(0, 9)
    if rng.random() < 0.6:
        major = rng.randint(0, 9)
        k = rng.randint(n // 2, n)
        nums = [major] * k + _ints(rng, 0, 9, n - k, n - k)
        rng.shuffle(nums)
        return (nums,)
    return (_ints(rng, 0, 3, n, n),)


@program(
    "product_except_self",
    """Return the list whose i-th element is the product of all elements of nums except nums[i],
    computed with prefix and suffix products (no division). Zeros are allowed.""",
    """
    def product_except_self(nums):
        n = len(nums)
        result = [1] * n
        prefix = 1
        for i in range(n):
            result[i] = prefix
            prefix *= nums[i]
        suffix = 1
        for i in range(n - 1, -1, -1):
            result[i] *= suffix
            suffix *= nums[i]
        return result
    """,
)
def _gen_product_except_self(rng):
    return (_ints(rng, -3, 4, 7),)


@program(
    "max_profit_once",
    """prices[i] is a stock price on day i. Return the largest profit prices[j] - prices[i] with
    i < j from one buy and one later sell, or 0 if no profit is possible.""",
    """
    def max_profit_once(prices):
        if not prices:
            return 0
        lowest = prices[0]
        best = 0
        for i in range(1, len(prices)):
            price = prices[i]
            if price - lowest > best:
                best = price - lowest
            if price < lowest:
                lowest = price
        return best
    """,
)
def _gen_max_profit_once(rng):
    return (_ints(rng, 1, 20),)


@program(
    "equilibrium_index",
    """Return the first index i where the sum of the elements before i equals the sum of the elements
    after i, or -1 if there is no such index (for an empty list, -1).""",
    """
    def equilibrium_index(nums):
        total = 0
        for x in nums:
            total += x
        left = 0
        for i in range(len(nums)):
            right = total - left - nums[i]
            if left == right:
                return i
            left += nums[i]
        return -1
    """,
)
def _gen_equilibrium_index(rng):
    nums = _ints(rng, -5, 5, 8)
    if len(nums) >= 2 and rng.random() < 0.7:
        i = rng.randrange(len(nums))
        diff = sum(nums[:i]) - sum(nums[i + 1 :])
        if i + 1 < len(nums):
            nums.append(diff)
        else:
            nums.insert(0, -diff)
    return (nums,)


@program(
    "second_largest",
    """Return the second largest distinct value in nums, or None if nums has fewer than two distinct
    values.""",
    """
    def second_largest(nums):
        first = None
        second = None
        for x in nums:
            if first is None or x > first:
                second = first
                first = x
            elif x != first and (second is None or x > second):
                second = x
        return second
    """,
)
def _gen_second_largest(rng):
    return (_ints(rng, -9, 9, 8, 1),)


@program(
    "run_lengths",
    """Return the runs of equal adjacent values in nums as a list of (value, count) tuples, in order;
    an empty list gives [].""",
    """
    def run_lengths(nums):
        runs = []
        i = 0
        while i < len(nums):
            j = i
            while j < len(nums) and nums[j] == nums[i]:
                j += 1
            runs.append((nums[i], j - i))
            i = j
        return runs
    """,
)
def _gen_run_lengths(rng):
    return (_ints(rng, 0, 2),)


@program(
    "missing_in_range",
    """Return the ascending list of integers in the inclusive range lo..hi that do not occur in nums
    (nums may contain duplicates and values outside the range). If lo > hi the result is [].""",
    """
    def missing_in_range(nums, lo, hi):
        present = set()
        for x in nums:
            if lo <= x <= hi:
                present.add(x)
        missing = []
        for value in range(lo, hi + 1):
            if value not in present:
                missing.append(value)
        return missing
    """,
)
def _gen_missing_in_range(rng):
    lo = rng.randint(-5, 5)
    hi = lo + rng.randint(-1, 9)
    return (_ints(rng, lo - 2, hi + 2, 10), lo, hi)


@program(
    "subarray_sum_count",
    """Return the number of contiguous non-empty sublists of nums whose sum equals k, counting prefix
    sums in a dict.""",
    """
    def subarray_sum_count(nums, k):
        seen = {0: 1}
        running = 0
        count = 0
        for x in nums:
            running += x
            need = running - k
            if need in seen:
                count += seen[need]
            seen[running] = seen.get(running, 0) + 1
        return count
    """,
)
def _gen_subarray_sum_count(rng):
    return (_ints(rng, -2, 3, 10, 1), rng.randint(-2, 4))


@program(
    "move_zeros_to_end",
    """Return a new list with all non-zero values of nums in their original order followed by all the
    zeros, using a write pointer over a copy of the list.""",
    """
    def move_zeros_to_end(nums):
        result = list(nums)
        write = 0
        for read in range(len(result)):
            if result[read] != 0:
                result[write] = result[read]
                write += 1
        for i in range(write, len(result)):
            result[i] = 0
        return result
    """,
)
def _gen_move_zeros_to_end(rng):
    return ([rng.choice((0, 0, rng.randint(-9, 9))) for _ in range(rng.randint(0, 10))],)


@program(
    "leaders",
    """Return, in their original order, the elements of nums that are strictly greater than every
    element to their right (the last element is always a leader).""",
    """
    def leaders(nums):
        result = []
        best = None
        for i in range(len(nums) - 1, -1, -1):
            if best is None or nums[i] > best:
                result.append(nums[i])
                best = nums[i]
        result.reverse()
        return result
    """,
)
def _gen_leaders(rng):
    return (_ints(rng, 0, 9),)


@program(
    "pascal_row_mod",
    """Return row n (n >= 0, starting from row 0 = [1]) of Pascal's triangle with every entry reduced
    modulo m (m >= 2), building each row from the previous one.""",
    """
    def pascal_row_mod(n, m):
        row = [1]
        for _ in range(n):
            next_row = [1]
            for i in range(1, len(row)):
                total = row[i - 1] + row[i]
                next_row.append(total % m)
            next_row.append(1)
            row = next_row
        return row
    """,
)
def _gen_pascal_row_mod(rng):
    return (rng.randint(0, 10), rng.choice((2, 3, 5, 7, 10, 1000)))
