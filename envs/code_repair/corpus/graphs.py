"""Graphs on edge lists and grids: traversals, shortest paths, orderings, union-find, components.

Nodes are the integers 0..n-1; ``edges`` is a list of ``(u, v)`` or ``(u, v, w)`` tuples.
"""

from __future__ import annotations

from . import Program, registrar

CATEGORY = "graphs"
PROGRAMS: list[Program] = []
program = registrar(CATEGORY, PROGRAMS)


def _undirected(rng, n, density=None):
    """A simple undirected graph on n nodes as a list of (u, v) with u < v, in random order."""
    p = density if density is not None else rng.choice((0.15, 0.3, 0.5))
    edges = [(u, v) for u in range(n) for v in range(u + 1, n) if rng.random() < p]
    rng.shuffle(edges)
    return edges


def _directed(rng, n, p=0.3, acyclic=False):
    edges = []
    for u in range(n):
        for v in range(n):
            if u != v and (not acyclic or u < v) and rng.random() < p:
                edges.append((u, v))
    if acyclic:
        perm = list(range(n))
        rng.shuffle(perm)
        edges = [(perm[u], perm[v]) for u, v in edges]
    rng.shuffle(edges)
    return edges


def _weighted(rng, n, p, lo, hi):
    return [(u, v, rng.randint(lo, hi)) for u, v in _directed(rng, n, p)]


def _grid(rng, rows, cols, p):
    return [[1 if rng.random() < p else 0 for _ in range(cols)] for _ in range(rows)]


@program(
    "bfs_order",
    """Breadth-first traversal of an undirected graph with nodes 0..n-1 from start, visiting the
    neighbours of each node in increasing order. Return the list of reached nodes in visiting order.""",
    """
    def bfs_order(n, edges, start):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        visited = [False] * n
        visited[start] = True
        queue = [start]
        head = 0
        while head < len(queue):
            node = queue[head]
            head += 1
            for neighbour in sorted(adjacency[node]):
                if not visited[neighbour]:
                    visited[neighbour] = True
                    queue.append(neighbour)
        return queue
    """,
)
def _gen_bfs_order(rng):
    n = rng.randint(1, 8)
    return (n, _undirected(rng, n), rng.randrange(n))


@program(
    "dfs_order",
    """Depth-first preorder of an undirected graph with nodes 0..n-1 from start, always descending into
    the smallest unvisited neighbour first (the order of the recursive DFS). Return the list of reached
    nodes in visiting order.""",
    """
    def dfs_order(n, edges, start):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        visited = [False] * n
        order = []
        stack = [start]
        while stack:
            node = stack.pop()
            if visited[node]:
                continue
            visited[node] = True
            order.append(node)
            for neighbour in sorted(adjacency[node], reverse=True):
                if not visited[neighbour]:
                    stack.append(neighbour)
        return order
    """,
)
def _gen_dfs_order(rng):
    n = rng.randint(1, 8)
    return (n, _undirected(rng, n), rng.randrange(n))


@program(
    "bfs_distances",
    """Return the list of shortest-path lengths (number of edges) from src to every node 0..n-1 of an
    undirected graph, with -1 for nodes that cannot be reached.""",
    """
    def bfs_distances(n, edges, src):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        dist = [-1] * n
        dist[src] = 0
        frontier = [src]
        while frontier:
            next_frontier = []
            for node in frontier:
                for neighbour in adjacency[node]:
                    if dist[neighbour] == -1:
                        dist[neighbour] = dist[node] + 1
                        next_frontier.append(neighbour)
            frontier = next_frontier
        return dist
    """,
)
def _gen_bfs_distances(rng):
    n = rng.randint(1, 8)
    return (n, _undirected(rng, n, rng.choice((0.2, 0.3))), rng.randrange(n))


@program(
    "dijkstra",
    """Directed graph with nodes 0..n-1 and edges (u, v, w), w >= 0. Return the list of shortest
    distances from src to every node with Dijkstra's algorithm, using -1 for unreachable nodes.""",
    """
    import heapq

    def dijkstra(n, edges, src):
        adjacency = [[] for _ in range(n)]
        for u, v, w in edges:
            adjacency[u].append((v, w))
        dist = [None] * n
        heap = [(0, src)]
        while heap:
            d, node = heapq.heappop(heap)
            if dist[node] is not None:
                continue
            dist[node] = d
            for neighbour, weight in adjacency[node]:
                if dist[neighbour] is None:
                    heapq.heappush(heap, (d + weight, neighbour))
        result = []
        for d in dist:
            if d is None:
                result.append(-1)
            else:
                result.append(d)
        return result
    """,
)
def _gen_dijkstra(rng):
    n = rng.randint(1, 7)
    return (n, _weighted(rng, n, rng.choice((0.2, 0.35)), 0, 9), rng.randrange(n))


@program(
    "topological_order",
    """Return a topological order of the directed graph with nodes 0..n-1 (every edge (u, v) puts u
    before v), always taking the smallest available node next (Kahn's algorithm with a min-heap). If the
    graph has a cycle, return [].""",
    """
    import heapq

    def topological_order(n, edges):
        indegree = [0] * n
        successors = [[] for _ in range(n)]
        for u, v in edges:
            successors[u].append(v)
            indegree[v] += 1
        heap = [node for node in range(n) if indegree[node] == 0]
        heapq.heapify(heap)
        order = []
        while heap:
            node = heapq.heappop(heap)
            order.append(node)
            for nxt in successors[node]:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    heapq.heappush(heap, nxt)
        if len(order) < n:
            return []
        return order
    """,
)
def _gen_topological_order(rng):
    n = rng.randint(1, 8)
    edges = _directed(rng, n, rng.choice((0.2, 0.3)), acyclic=True)
    if n > 1 and rng.random() < 0.2:
        u, v = rng.sample(range(n), 2)
        edges.append((u, v))
    return (n, edges)


@program(
    "count_components",
    """Return the number of connected components of the undirected graph with nodes 0..n-1, using
    union-find with path compression. Isolated nodes are components of their own.""",
    """
    def find(parent, x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def count_components(n, edges):
        parent = list(range(n))
        components = n
        for u, v in edges:
            root_u = find(parent, u)
            root_v = find(parent, v)
            if root_u != root_v:
                parent[root_u] = root_v
                components -= 1
        return components
    """,
)
def _gen_count_components(rng):
    n = rng.randint(0, 8)
    return (n, _undirected(rng, n, rng.choice((0.1, 0.2, 0.3))))


@program(
    "two_coloring",
    """Colour the nodes 0..n-1 of an undirected graph with 0 and 1 so that every edge joins different
    colours: BFS from each uncoloured node in increasing order, giving it colour 0. Return the list of
    colours, or None if the graph is not bipartite.""",
    """
    def two_coloring(n, edges):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        color = [-1] * n
        for root in range(n):
            if color[root] != -1:
                continue
            color[root] = 0
            queue = [root]
            while queue:
                node = queue.pop(0)
                for neighbour in adjacency[node]:
                    if color[neighbour] == -1:
                        color[neighbour] = 1 - color[node]
                        queue.append(neighbour)
                    elif color[neighbour] == color[node]:
                        return None
        return color
    """,
)
def _gen_two_coloring(rng):
    n = rng.randint(1, 8)
    if rng.random() < 0.6:
        side = [rng.randint(0, 1) for _ in range(n)]
        edges = [(u, v) for u, v in _undirected(rng, n, 0.4) if side[u] != side[v]]
    else:
        edges = _undirected(rng, n, 0.25)
    return (n, edges)


@program(
    "connected_components",
    """Return the connected components of the undirected graph with nodes 0..n-1 as a list of ascending
    node lists, ordered by their smallest node.""",
    """
    def connected_components(n, edges):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        seen = [False] * n
        components = []
        for root in range(n):
            if seen[root]:
                continue
            seen[root] = True
            stack = [root]
            members = []
            while stack:
                node = stack.pop()
                members.append(node)
                for neighbour in adjacency[node]:
                    if not seen[neighbour]:
                        seen[neighbour] = True
                        stack.append(neighbour)
            components.append(sorted(members))
        return components
    """,
)
def _gen_connected_components(rng):
    n = rng.randint(0, 8)
    return (n, _undirected(rng, n, rng.choice((0.1, 0.2, 0.3))))


@program(
    "count_islands",
    """grid is a list of equal-length rows of 0 (water) and 1 (land). Return the number of islands:
    groups of land cells connected horizontally or vertically (not diagonally).""",
    """
    def count_islands(grid):
        rows = len(grid)
        cols = len(grid[0]) if rows else 0
        seen = [[False] * cols for _ in range(rows)]
        islands = 0
        for r in range(rows):
            for c in range(cols):
                if grid[r][c] != 1 or seen[r][c]:
                    continue
                islands += 1
                seen[r][c] = True
                stack = [(r, c)]
                while stack:
                    y, x = stack.pop()
                    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] == 1 and not seen[ny][nx]:
                            seen[ny][nx] = True
                            stack.append((ny, nx))
        return islands
    """,
)
def _gen_count_islands(rng):
    return (_grid(rng, rng.randint(1, 6), rng.randint(1, 6), rng.choice((0.35, 0.5, 0.6))),)


@program(
    "grid_shortest_path",
    """grid is a list of rows of 0 (open) and 1 (wall). Return the fewest moves (up, down, left, right)
    from cell start to cell end, both given as (row, col); return -1 if either is a wall or end cannot
    be reached. start == end on an open cell gives 0.""",
    """
    def grid_shortest_path(grid, start, end):
        rows = len(grid)
        cols = len(grid[0])
        if grid[start[0]][start[1]] == 1 or grid[end[0]][end[1]] == 1:
            return -1
        dist = {start: 0}
        queue = [start]
        head = 0
        while head < len(queue):
            cell = queue[head]
            head += 1
            if cell == end:
                return dist[cell]
            r, c = cell
            for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] == 0 and (nr, nc) not in dist:
                    dist[(nr, nc)] = dist[cell] + 1
                    queue.append((nr, nc))
        return -1
    """,
)
def _gen_grid_shortest_path(rng):
    rows, cols = rng.randint(1, 5), rng.randint(1, 6)
    grid = _grid(rng, rows, cols, rng.choice((0.1, 0.2, 0.3)))
    start = (rng.randrange(rows), rng.randrange(cols))
    end = (rng.randrange(rows), rng.randrange(cols))
    if rng.random() < 0.7:
        grid[start[0]][start[1]] = 0
        grid[end[0]][end[1]] = 0
    return (grid, start, end)


@program(
    "mst_weight",
    """Undirected weighted graph with nodes 0..n-1 and edges (u, v, w). Return the total weight of a
    minimum spanning forest (a minimum spanning tree of every component), using Kruskal's algorithm
    with union-find.""",
    """
    def mst_weight(n, edges):
        parent = list(range(n))
        total = 0
        for u, v, w in sorted(edges, key=lambda e: e[2]):
            a = u
            while parent[a] != a:
                a = parent[a]
            b = v
            while parent[b] != b:
                b = parent[b]
            if a != b:
                parent[a] = b
                total += w
        return total
    """,
)
def _gen_mst_weight(rng):
    n = rng.randint(1, 7)
    return (n, [(u, v, rng.randint(1, 12)) for u, v in _undirected(rng, n, rng.choice((0.3, 0.5)))])


@program(
    "bellman_ford",
    """Directed graph with nodes 0..n-1 and edges (u, v, w), where w may be negative. Return the list of
    shortest distances from src (None for unreachable nodes), or None if a negative cycle is reachable
    from src. Use the Bellman-Ford algorithm.""",
    """
    def bellman_ford(n, edges, src):
        dist = [None] * n
        dist[src] = 0
        for _ in range(n - 1):
            changed = False
            for u, v, w in edges:
                if dist[u] is not None and (dist[v] is None or dist[u] + w < dist[v]):
                    dist[v] = dist[u] + w
                    changed = True
            if not changed:
                break
        for u, v, w in edges:
            if dist[u] is not None and (dist[v] is None or dist[u] + w < dist[v]):
                return None
        return dist
    """,
)
def _gen_bellman_ford(rng):
    n = rng.randint(1, 6)
    return (n, _weighted(rng, n, rng.choice((0.2, 0.35)), rng.choice((-3, 0, 1)), 9), rng.randrange(n))


@program(
    "floyd_warshall",
    """Directed graph with nodes 0..n-1 and edges (u, v, w), w >= 0 (parallel edges possible). Return
    the n x n matrix of shortest distances (list of rows) with 0 on the diagonal and -1 where no path
    exists, using the Floyd-Warshall algorithm.""",
    """
    def floyd_warshall(n, edges):
        inf = float("inf")
        dist = [[inf] * n for _ in range(n)]
        for i in range(n):
            dist[i][i] = 0
        for u, v, w in edges:
            if w < dist[u][v]:
                dist[u][v] = w
        for k in range(n):
            for i in range(n):
                for j in range(n):
                    if dist[i][k] + dist[k][j] < dist[i][j]:
                        dist[i][j] = dist[i][k] + dist[k][j]
        result = []
        for row in dist:
            result.append([-1 if d == inf else d for d in row])
        return result
    """,
)
def _gen_floyd_warshall(rng):
    n = rng.randint(1, 5)
    return (n, _weighted(rng, n, rng.choice((0.25, 0.4)), 0, 9))


@program(
    "shortest_path_nodes",
    """Return a shortest path from s to t in an undirected graph with nodes 0..n-1 as the list of its
    nodes (both ends included), found by BFS that explores neighbours in increasing order and keeps the
    first parent found. Return [s] when s == t and [] when t is unreachable.""",
    """
    def shortest_path_nodes(n, edges, s, t):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        parent = [-1] * n
        parent[s] = s
        queue = [s]
        for node in queue:
            if node == t:
                break
            for neighbour in sorted(adjacency[node]):
                if parent[neighbour] == -1:
                    parent[neighbour] = node
                    queue.append(neighbour)
        if parent[t] == -1:
            return []
        path = [t]
        while path[-1] != s:
            path.append(parent[path[-1]])
        return path[::-1]
    """,
)
def _gen_shortest_path_nodes(rng):
    n = rng.randint(1, 8)
    return (n, _undirected(rng, n, rng.choice((0.25, 0.35))), rng.randrange(n), rng.randrange(n))


@program(
    "tree_diameter",
    """Given an undirected tree with nodes 0..n-1 (n >= 1, n - 1 edges), return its diameter: the
    number of edges on the longest path. Use two passes of breadth-first search.""",
    """
    def farthest(adjacency, start):
        dist = [-1] * len(adjacency)
        dist[start] = 0
        queue = [start]
        for node in queue:
            for neighbour in adjacency[node]:
                if dist[neighbour] < 0:
                    dist[neighbour] = dist[node] + 1
                    queue.append(neighbour)
        best = max(range(len(dist)), key=lambda i: dist[i])
        return best, dist[best]

    def tree_diameter(n, edges):
        adjacency = [[] for _ in range(n)]
        for u, v in edges:
            adjacency[u].append(v)
            adjacency[v].append(u)
        end, _ = farthest(adjacency, 0)
        _, length = farthest(adjacency, end)
        return length
    """,
)
def _gen_tree_diameter(rng):
    n = rng.randint(1, 9)
    edges = []
    for v in range(1, n):
        u = rng.randrange(max(0, v - 3), v) if rng.random() < 0.5 else rng.randrange(v)
        edges.append((u, v) if rng.random() < 0.5 else (v, u))
    perm = list(range(n))
    rng.shuffle(perm)
    edges = [(perm[u], perm[v]) for u, v in edges]
    rng.shuffle(edges)
    return (n, edges)


@program(
    "redundant_edge",
    """Process the undirected edges (u, v) in order, joining components with union-find. Return the
    first edge, as a tuple, whose two ends are already connected by earlier edges (a self-loop counts),
    or None if there is no such edge.""",
    """
    def redundant_edge(n, edges):
        parent = list(range(n))
        for u, v in edges:
            a = u
            while parent[a] != a:
                a = parent[a]
            b = v
            while parent[b] != b:
                b = parent[b]
            if a == b:
                return (u, v)
            parent[a] = b
        return None
    """,
)
def _gen_redundant_edge(rng):
    n = rng.randint(2, 7)
    edges = _undirected(rng, n, rng.choice((0.3, 0.45, 0.6)))[: rng.randint(1, 8)]
    if rng.random() < 0.2:
        u = rng.randrange(n)
        edges.insert(rng.randint(0, len(edges)), (u, u))
    return (n, edges)
