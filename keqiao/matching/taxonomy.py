"""How the discipline labels of the bundled training data map onto the national classifications.

The suggestion model is trained on the CSL records' 67 discipline labels; each label is mapped here to
a GB/T 13745-2009 first-level discipline code, a GB/T 4754-2017 division and one of the 11 technology
fields of contract registration. Hand-made from the standards' names; None where no division fits.
"""

from keqiao.common.choices import TechField as F

# CSL discipline -> (GB/T 13745 first-level code, GB/T 4754 division code or None, technology field)
CSL_DISCIPLINES: dict[str, tuple[str, str | None, str]] = {
    "食品科学与工程": ("550", "14", F.AGRICULTURE),
    "园艺学": ("210", "01", F.AGRICULTURE),
    "中医学/中药学": ("360", "27", F.BIO_MEDICINE),
    "基础医学/临床医学": ("320", "84", F.BIO_MEDICINE),
    "化学/化学工程与技术": ("530", "26", F.NEW_MATERIALS),
    "交通运输工程": ("580", "54", F.MODERN_TRANSPORT),
    "矿业工程": ("440", "06", F.ENVIRONMENT),
    "新闻传播学": ("860", "86", F.URBAN_SOCIAL),
    "材料科学与工程": ("430", "30", F.NEW_MATERIALS),
    "哲学": ("720", None, F.URBAN_SOCIAL),
    "体育学": ("890", "89", F.URBAN_SOCIAL),
    "纺织科学与工程": ("540", "17", F.NEW_MATERIALS),
    "力学": ("130", "73", F.ADVANCED_MANUFACTURING),
    "大气科学": ("170", "74", F.ENVIRONMENT),
    "药学": ("350", "27", F.BIO_MEDICINE),
    "土木工程": ("560", "48", F.URBAN_SOCIAL),
    "历史学": ("770", None, F.URBAN_SOCIAL),
    "信息与通信工程": ("510", "39", F.ELECTRONIC_INFORMATION),
    "农业工程": ("210", "35", F.AGRICULTURE),
    "计算机科学与技术": ("520", "65", F.ELECTRONIC_INFORMATION),
    "机械工程": ("460", "34", F.ADVANCED_MANUFACTURING),
    "法学": ("820", None, F.URBAN_SOCIAL),
    "兵器科学与技术": ("830", "37", F.ADVANCED_MANUFACTURING),
    "公共管理": ("630", None, F.URBAN_SOCIAL),
    "水产": ("240", "04", F.AGRICULTURE),
    "动力工程及工程热物理": ("470", "44", F.NEW_ENERGY),
    "民族学": ("840", None, F.URBAN_SOCIAL),
    "林学/林业工程": ("220", "02", F.AGRICULTURE),
    "农林经济管理": ("630", "01", F.AGRICULTURE),
    "环境科学与工程": ("610", "77", F.ENVIRONMENT),
    "电子科学与技术": ("510", "39", F.ELECTRONIC_INFORMATION),
    "应用经济学": ("790", None, F.URBAN_SOCIAL),
    "水利工程": ("570", "76", F.URBAN_SOCIAL),
    "电气工程": ("470", "38", F.NEW_ENERGY),
    "地理学": ("170", "74", F.ENVIRONMENT),
    "图书馆、情报与档案管理": ("870", None, F.URBAN_SOCIAL),
    "石油与天然气工程": ("480", "07", F.NEW_ENERGY),
    "理论经济学": ("790", None, F.URBAN_SOCIAL),
    "冶金工程": ("450", "31", F.NEW_MATERIALS),
    "畜牧学/兽医学": ("230", "03", F.AGRICULTURE),
    "地质学/地质资源与地质工程": ("170", "74", F.ENVIRONMENT),
    "建筑学": ("560", "47", F.URBAN_SOCIAL),
    "工商管理": ("630", None, F.URBAN_SOCIAL),
    "政治学": ("810", None, F.URBAN_SOCIAL),
    "作物学": ("210", "01", F.AGRICULTURE),
    "船舶与海洋工程": ("580", "37", F.MODERN_TRANSPORT),
    "艺术学": ("760", "88", F.URBAN_SOCIAL),
    "心理学": ("190", None, F.URBAN_SOCIAL),
    "军事学": ("830", None, F.URBAN_SOCIAL),
    "控制科学与工程": ("413", "40", F.ADVANCED_MANUFACTURING),
    "数学": ("110", None, F.ELECTRONIC_INFORMATION),
    "光学工程": ("140", "40", F.ELECTRONIC_INFORMATION),
    "核科学与技术": ("490", None, F.NUCLEAR),
    "口腔医学": ("320", "84", F.BIO_MEDICINE),
    "测绘科学与技术": ("420", "74", F.URBAN_SOCIAL),
    "教育学": ("880", "83", F.URBAN_SOCIAL),
    "中国语言文学": ("750", None, F.URBAN_SOCIAL),
    "海洋科学": ("170", "74", F.ENVIRONMENT),
    "生物学/生物科学与工程": ("180", "73", F.BIO_MEDICINE),
    "农业资源利用": ("210", "01", F.AGRICULTURE),
    "公共卫生与预防医学": ("330", "84", F.BIO_MEDICINE),
    "社会学": ("840", None, F.URBAN_SOCIAL),
    "航空宇航科学与技术": ("590", "37", F.AEROSPACE),
    "地球物理学": ("170", "74", F.ENVIRONMENT),
    "物理学": ("140", None, F.NEW_MATERIALS),
    "天文学": ("160", None, F.AEROSPACE),
    "植物保护": ("210", "01", F.AGRICULTURE),
}

# A confirmed GB/T 13745 code on a platform record becomes a training label again (first CSL label).
LABEL_FOR_CODE: dict[str, str] = {}
for _label, (_code, _division, _field) in CSL_DISCIPLINES.items():
    LABEL_FOR_CODE.setdefault(_code, _label)
