from keqiao.common import text


def test_empty_and_blank_input():
    assert text.tokenize("") == []
    assert text.tokenize("  \n\t ") == []
    assert text.tokenize("，。！？、") == []
    assert text.tokenize_query("") == []


def test_added_words_stay_one_token():
    word = "柯桥纺织印染废水回用膜"  # not in jieba's dictionary
    assert word not in text.tokenize(f"一种{word}装置")
    text.add_words([word, "", "a b"])  # empty and spaced words are ignored, not errors
    tokens = text.tokenize(f"一种{word}装置")
    assert word in tokens
    # search mode still emits dictionary sub-words, so parts remain searchable
    assert "纺织" in tokens and "印染" in tokens


def test_add_words_normalises_full_width():
    text.add_words(["ＸＹＺ纳米涂层工艺"])
    assert "xyz纳米涂层工艺" in text.tokenize("采用XYZ纳米涂层工艺")


def test_stopwords_and_punctuation_dropped():
    tokens = text.tokenize("水稻的产量和品质，在田间与实验室中的比较。")
    for stop in ("的", "和", "在", "与", "中", "，", "。"):
        assert stop not in tokens
    for kept in ("水稻", "产量", "品质", "田间", "实验室", "比较"):
        assert kept in tokens


def test_content_words_like_yanjiu_are_kept():
    assert "研究" in text.tokenize("研究")
    assert "分析" in text.tokenize("遗传多样性分析")


def test_latin_lowercased_numbers_kept_and_nfkc():
    tokens = text.tokenize("DNA测序 of the ＧＰＵ with 5G 2024")
    assert "dna" in tokens and "gpu" in tokens
    assert "5g" in tokens or "5" in tokens
    assert "2024" in tokens
    assert "of" not in tokens and "the" not in tokens and "with" not in tokens
    assert all(t == t.lower() for t in tokens)


def test_query_tokenisation_matches_document_terms():
    doc = set(text.tokenize("基于深度学习的图像识别方法"))
    assert set(text.tokenize_query("深度学习 图像识别")) <= doc
