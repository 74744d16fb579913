import pickle
import zlib

from paperkb.core.packed_text import PackedPart, pack, pack_together, unpack, unpack_part


def test_texts_packed_together_unpack_each_in_any_order():
    texts = [f'{{"note":"n{i}","title":"Títle {i} 論文","links":["../n{i + 1}/"]}}' * 20 for i in range(30)]
    texts.append("")  # (an empty text keeps its place)
    parts = pack_together(texts)
    assert len(parts) == len(texts) and all(isinstance(p, PackedPart) for p in parts)
    assert len({id(p.stream) for p in parts}) == 1  # one stream for the run
    for i in [5, 0, 30, 29, 5, 17]:
        assert unpack_part(parts[i]) == texts[i]
    other = pack_together(["another run"])
    assert unpack_part(other[0]) == "another run" and unpack_part(parts[3]) == texts[3]


def test_a_run_packed_together_is_smaller_than_each_packed_alone():
    texts = [f'["n{i}",0,["A Closer Look at","action recognition"],"../n{i}/","pkb-node pkb-node--near"]' * 8
             for i in range(48)]
    together = pack_together(texts)[0].stream
    assert len(together) < 0.5 * sum(len(pack(t)) for t in texts)
    assert zlib.decompress(together).decode() == "".join(texts)
    assert [unpack(pack(t)) for t in texts] == texts


def test_parts_pickled_together_share_their_stream_once():
    texts = ["x" * 5000 + str(i) for i in range(48)]
    parts = pack_together(texts)
    data = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
    assert len(data) < len(parts[0].stream) + 48 * 40  # the stream once, not once per part
    back = pickle.loads(data)
    assert [unpack_part(p) for p in back] == texts


def test_a_short_text_is_packed_with_a_window_of_its_size_and_unpacks_with_zlib():
    # (the header's high four bits: log2 of the window, less 8; zlib's default window is 2**15)
    short, page, long = "Títle 論文 " * 9, "<p>a page's HTML</p>\n" * 90, "".join(f"<g id='n{i}'/>" for i in range(5000))
    assert pack(short)[0] >> 4 == 9 - 8  # 120 bytes: zlib's smallest window, 512 bytes
    assert pack(page)[0] >> 4 == 11 - 8  # 1,890 bytes: a 2 KB window
    assert pack(long)[0] >> 4 == 15 - 8  # ~70 KB: the default window, as zlib.compress packs it
    assert pack(long) == zlib.compress(long.encode(), 1)
    for text in (short, page, long, ""):
        assert unpack(pack(text)) == text and zlib.decompress(pack(text)).decode() == text
    assert zlib.decompress(pack_together([short, page])[0].stream).decode() == short + page
