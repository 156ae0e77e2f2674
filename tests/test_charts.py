import xml.etree.ElementTree as ET

from assessment.charts import RadarAxis, radar_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def test_it_draws_current_and_target_polygons_with_a_text_description():
    svg = radar_svg(
        [RadarAxis("Data <Ingestion>", 2.5, 4), RadarAxis("Security", None, 3), RadarAxis("Cost", 5, 4)],
        lo=1,
        hi=5,
        title="Maturity by area",
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find("svg:title", NS).text == "Maturity by area"
    desc = root.find("svg:desc", NS).text
    assert "Data <Ingestion>: current 2.5, target 4" in desc
    assert "Security: current not scored, target 3" in desc
    # 5 grid rings + target + current polygons
    assert len(root.findall("svg:polygon", NS)) == 7
    assert "style=" not in svg  # the CSP forbids inline styles


def test_it_places_a_full_score_on_the_outer_ring():
    svg = radar_svg([RadarAxis("A", 5, 5), RadarAxis("B", 1, 5), RadarAxis("C", 1, 5)], lo=1, hi=5, title="t")
    root = ET.fromstring(svg)
    polygons = root.findall("svg:polygon", NS)
    outer_ring, current = polygons[4], polygons[-1]
    assert outer_ring.get("points").split()[0] == current.get("points").split()[0]


def test_it_leaves_the_legend_to_the_caption_when_asked():
    axes = [RadarAxis("A", 3, 4), RadarAxis("B", 2, 4), RadarAxis("C", 1, 4)]
    texts = lambda svg: [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]  # noqa: E731
    with_legend = texts(radar_svg(axes, lo=1, hi=5, title="t"))
    without = texts(radar_svg(axes, lo=1, hi=5, title="t", legend=False))
    assert "Current level (solid)" in with_legend and "Target level (dashed)" in with_legend
    assert "Current level (solid)" not in without and "Target level (dashed)" not in without
    assert len(with_legend) == len(without) + 2
