"""Contract test: redis-py's RediSearch client (`redis.commands.search`)
against resplite's hash indexes: create an index on hashes, add, modify,
delete and expire documents, search with each query form, aggregate.

usage: search_contract.py HOST PORT [2]   (RESP2; default: redis-py 8's RESP3 wire)

Debian's redis-server has no RediSearch module, so this runs against resplite
alone; the expectations are RediSearch's documented behaviour.
Prints "N passed, 0 failed".
"""

import sys
import time

from redis import Redis
from redis.commands.search.aggregation import AggregateRequest, Asc, Desc
from redis.commands.search import reducers
from redis.commands.search.field import NumericField, TagField, TextField
from redis.commands.search.index_definition import IndexDefinition, IndexType
from redis.commands.search.query import NumericFilter, Query

from checks import check, passed


def ids(result):
    return sorted(doc.id for doc in result.docs)


def wait_indexed(index):
    """Existing hashes are indexed in the background: wait until done."""
    deadline = time.monotonic() + 30
    while float(index.info()["percent_indexed"]) < 1:
        if time.monotonic() > deadline:
            raise AssertionError("indexing never finished")
        time.sleep(0.01)


def main():
    extra = {"protocol": int(sys.argv[3])} if len(sys.argv) > 3 else {}
    r = Redis(host=sys.argv[1], port=int(sys.argv[2]), decode_responses=True, **extra)
    r.flushall()
    # Hashes written before the index exists are indexed too.
    r.hset("book:1", mapping={"title": "Dune", "author": "Frank Herbert",
                              "genre": "scifi,classic", "year": 1965, "rating": 4.5})
    r.hset("book:2", mapping={"title": "Neuromancer", "author": "William Gibson",
                              "genre": "scifi,cyberpunk", "year": 1984, "rating": 4.1})
    r.hset("movie:1", mapping={"title": "Dune", "year": 2021})
    idx = r.ft("books")
    idx.create_index(
        [TextField("title", weight=5.0), TextField("author"),
         TagField("genre"), NumericField("year", sortable=True), NumericField("rating")],
        definition=IndexDefinition(prefix=["book:"], index_type=IndexType.HASH),
    )
    wait_indexed(idx)
    check(r.execute_command("FT._LIST"), ["books"], "FT._LIST")
    check(int(idx.info()["num_docs"]), 2, "num_docs after the initial scan")

    # Written after: indexed at once, in the same transaction.
    r.hset("book:3", mapping={"title": "The Left Hand of Darkness", "author": "Ursula K. Le Guin",
                              "genre": "scifi,classic", "year": 1969, "rating": 4.2})
    r.hset("book:4", mapping={"title": "Dune Messiah", "author": "Frank Herbert",
                              "genre": "scifi", "year": 1969, "rating": 3.9})
    pipe = r.pipeline(transaction=True)
    pipe.hset("book:5", mapping={"title": "Kindred", "author": "Octavia Butler",
                                 "genre": "classic", "year": 1979, "rating": 4.3})
    pipe.execute_command("FT.SEARCH", "books", "kindred", "NOCONTENT")
    _, res = pipe.execute()
    # Pipelines hand back the wire's shape: RESP3's map here.
    found = [item["id"] for item in res["results"]] if isinstance(res, dict) else res[1:]
    check(found, ["book:5"], "a search in the writing transaction sees the write")

    # Query forms.
    check(ids(idx.search(Query("dune"))), ["book:1", "book:4"], "word")
    check(ids(idx.search(Query("dun*"))), ["book:1", "book:4"], "prefix")
    check(ids(idx.search(Query('"dune messiah"'))), ["book:4"], "phrase")
    check(ids(idx.search(Query("dune -messiah"))), ["book:1"], "negation")
    check(ids(idx.search(Query("kindred | neuromancer"))), ["book:2", "book:5"], "OR")
    check(ids(idx.search(Query("@author:herbert"))), ["book:1", "book:4"], "field")
    check(ids(idx.search(Query("@title:herbert"))), [], "field scope excludes others")
    check(ids(idx.search(Query("@genre:{cyberpunk}"))), ["book:2"], "tag")
    check(ids(idx.search(Query("@genre:{classic | cyberpunk}"))),
          ["book:1", "book:2", "book:3", "book:5"], "tag union")
    check(ids(idx.search(Query("@year:[1960 1970]"))), ["book:1", "book:3", "book:4"], "range")
    check(ids(idx.search(Query("@year:[(1965 1970]"))), ["book:3", "book:4"], "exclusive range")
    check(ids(idx.search(Query("@genre:{scifi} @year:[1980 +inf]"))), ["book:2"], "tag and range")
    check(ids(idx.search(Query("dune").add_filter(NumericFilter("rating", 4, 5)))),
          ["book:1"], "FILTER")
    check(idx.search(Query("*")).total, 5, "wildcard")

    # Options: weights rank title matches first, RETURN, SORTBY, LIMIT,
    # WITHSCORES, NOCONTENT, INFIELDS, INKEYS, HIGHLIGHT.
    res = idx.search(Query("dune").with_scores())
    check(res.docs[0].id in ("book:1", "book:4"), True, "scored results")
    check(all(float(d.score) > 0 for d in res.docs), True, "scores")
    res = idx.search(Query("*").sort_by("year", asc=False).return_fields("title", "year").paging(0, 2))
    check([(d.id, d.title, d.year) for d in res.docs],
          [("book:2", "Neuromancer", "1984"), ("book:5", "Kindred", "1979")], "SORTBY DESC, RETURN, LIMIT")
    check(res.total, 5, "total ignores LIMIT")
    res = idx.search(Query("*").sort_by("year").paging(1, 1).no_content())
    check([d.id for d in res.docs], ["book:3"], "SORTBY ASC, offset, NOCONTENT")
    check(ids(idx.search(Query("herbert").limit_fields("title"))), [], "INFIELDS")
    check(ids(idx.search(Query("dune").limit_ids("book:4"))), ["book:4"], "INKEYS")
    res = idx.search(Query("messiah").highlight(fields=["title"]))
    check(res.docs[0].title, "Dune <b>Messiah</b>", "HIGHLIGHT")
    res = idx.search(Query("@year:[$lo $hi]").dialect(2), query_params={"lo": 1979, "hi": 1984})
    check(ids(res), ["book:2", "book:5"], "PARAMS")

    # Modify, delete, expire.
    r.hset("book:4", "title", "Children of Dune")
    check(ids(idx.search(Query("messiah"))), [], "modified: old words gone")
    check(ids(idx.search(Query("children"))), ["book:4"], "modified: new words found")
    r.delete("book:2")
    check(ids(idx.search(Query("neuromancer"))), [], "deleted")
    r.pexpire("book:5", 20)
    deadline = time.monotonic() + 10
    while idx.search(Query("kindred")).total != 0:
        if time.monotonic() > deadline:
            raise AssertionError("expired hash still indexed")
        time.sleep(0.01)
    check(r.exists("book:5"), 0, "expired")
    r.hset("book:6", mapping={"title": "Bad year", "year": "not a number"})
    check(ids(idx.search(Query("bad"))), [], "a hash failing its NUMERIC field is not indexed")
    r.rename("book:3", "other:3")
    check(ids(idx.search(Query("darkness"))), [], "renamed out of the prefix")

    # Aggregate.
    req = (AggregateRequest("*")
           .group_by("@author", reducers.count().alias("books"), reducers.avg("@rating").alias("avg"))
           .sort_by(Desc("@books"), Asc("@author")))
    rows = [dict(zip(row[::2], row[1::2])) for row in idx.aggregate(req).rows]
    check(rows[0]["author"], "Frank Herbert", "GROUPBY, SORTBY")
    check((rows[0]["books"], float(rows[0]["avg"])), ("2", 4.2), "COUNT, AVG")
    req = AggregateRequest("@genre:{scifi}").load("@title", "@year").apply(age="2024 - @year") \
        .filter("@age > 50").sort_by(Asc("@year"))
    rows = [dict(zip(row[::2], row[1::2])) for row in idx.aggregate(req).rows]
    check([(row["title"], row["age"]) for row in rows],
          [("Dune", "59"), ("Children of Dune", "55")], "LOAD, APPLY, FILTER")

    # ALTER, EXPLAIN, DROPINDEX DD.
    idx.alter_schema_add([TextField("summary")])
    r.hset("book:1", "summary", "desert planet spice")
    check(ids(idx.search(Query("@summary:spice"))), ["book:1"], "FT.ALTER")
    check("INTERSECT" in idx.explain("dune @year:[1 2]"), True, "FT.EXPLAIN")
    idx.dropindex(delete_documents=True)
    check(r.exists("book:1"), 0, "DROPINDEX DD deletes the hashes")
    check(r.exists("movie:1"), 1, "hashes outside the prefix stay")
    check(r.execute_command("FT._LIST"), [], "dropped")
    print(f"{passed()} passed, 0 failed")


main()
