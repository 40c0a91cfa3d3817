from app.domain.routing.keywords import KeywordIndex, normalise
from app.domain.routing.suggestions import AssignedExample, suggest_departments, terms


def test_overlapping_keywords_are_all_found_in_order_of_appearance():
    index = KeywordIndex(["交通安全", "交通", "安全", "学校"])
    assert index.find("关于加强学校周边交通安全的建议") == ("学校", "交通安全", "交通", "安全")


def test_full_width_letters_case_and_spaces_are_normalised():
    index = KeywordIndex(["5G", "P+R", "停车场"])
    assert index.find("关于加快５ｇ基站和 p＋r 停 车场建设") == ("5G", "P+R", "停车场")
    assert normalise(" ＡＢ c ") == "abc"


def test_empty_texts_have_no_hits():
    assert KeywordIndex(["x"]).find("") == ()


HISTORY = [
    AssignedExample("关于解决老旧小区停车难问题的建议", "jtw"),
    AssignedExample("关于增加停车位供给的建议", "jtw"),
    AssignedExample("关于规范共享单车停放的建议", "jtw"),
    AssignedExample("关于加快老旧小区加装电梯的建议", "zjw"),
    AssignedExample("关于改善小区物业服务的建议", "zjw"),
    AssignedExample("关于加强中小学体育课的建议", "jw"),
    AssignedExample("关于社区养老服务的建议", "mzj"),
]


def test_suggestions_rank_departments_by_shared_distinctive_terms():
    suggestions = suggest_departments("关于医院周边停车位紧张的建议", "", HISTORY)
    assert [s.department for s in suggestions][0] == "jtw"
    assert "停车" in suggestions[0].shared_terms
    assert len(suggestions) <= 3


def test_formula_words_of_titles_do_not_count():
    assert "关于" not in terms("关于加强某某工作的建议") and "建议" not in terms("关于的建议")
    assert suggest_departments("关于加强的建议", "", HISTORY) == ()


def test_no_history_no_suggestions():
    assert suggest_departments("关于停车的建议", "", []) == ()


def test_at_most_three_suggestions_best_first():
    history = [AssignedExample(f"关于小区{i}的建议", code) for i, code in enumerate(["a", "b", "c", "d", "e"])]
    suggestions = suggest_departments("关于小区环境的建议", "", history)
    assert len(suggestions) == 3
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
