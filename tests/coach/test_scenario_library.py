"""Loading the scenario library from files, and looking scenarios up."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from services.coach.domain.scenario_library import (
    ScenarioLibrary,
    ScenarioLibraryError,
    UnknownScenarioError,
    load_library,
)
from services.coach.domain.scenario_models import Scenario
from shared.events.interactions import Channel

from .scenario_samples import valid_scenario_data, write_scenario


def load_error(directory: Path) -> ScenarioLibraryError:
    with pytest.raises(ScenarioLibraryError) as caught:
        load_library(directory)
    return caught.value


@pytest.fixture(scope="module")
def library() -> ScenarioLibrary:
    return load_library()


def test_loads_valid_files_from_a_directory(tmp_path: Path) -> None:
    write_scenario(tmp_path, valid_scenario_data(id="first-one"))
    write_scenario(tmp_path, valid_scenario_data(id="second-one"), file_name="second-one.yml")
    (tmp_path / "README.md").write_text("not a scenario", encoding="utf-8")

    loaded = load_library(tmp_path)

    assert [scenario.id for scenario in loaded.all()] == ["first-one", "second-one"]


def test_broken_field_names_file_and_field_path(tmp_path: Path) -> None:
    curveball = {"after_turn": 0, "kind": "outage", "text": "Everything goes down."}
    data = valid_scenario_data(id="billing-double-charge", curveball=curveball, tags=["curveball"])
    write_scenario(tmp_path, data)

    error = load_error(tmp_path)

    assert "billing-double-charge.yaml: curveball.after_turn: Input should be greater than 0" in (
        str(error)
    )
    assert [(issue.file, issue.location) for issue in error.issues] == [
        ("billing-double-charge.yaml", "curveball.after_turn")
    ]


def test_list_items_are_located_by_index(tmp_path: Path) -> None:
    write_scenario(tmp_path, valid_scenario_data(customer_turns=["Hello.", ""]))

    assert "sample-scenario.yaml: customer_turns[1]: must not be blank" in str(load_error(tmp_path))


def test_yaml_syntax_error_names_file_and_position(tmp_path: Path) -> None:
    (tmp_path / "broken-syntax.yaml").write_text(
        'id: broken-syntax\ntitle: "unterminated\ndimensions: [tone\n', encoding="utf-8"
    )

    error = load_error(tmp_path)

    [issue] = error.issues
    assert issue.file == "broken-syntax.yaml"
    assert issue.location.startswith("line ")
    assert str(error).startswith("broken-syntax.yaml: line ")


def test_duplicate_yaml_key_is_an_error_not_a_silent_overwrite(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, valid_scenario_data())
    path.write_text(path.read_text(encoding="utf-8") + "title: A second title\n", encoding="utf-8")

    error = load_error(tmp_path)

    assert "sample-scenario.yaml: line " in str(error)
    assert "duplicate key 'title'" in str(error)


def test_document_that_is_not_a_mapping_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a-list.yaml").write_text("- just\n- a list\n", encoding="utf-8")

    assert "a-list.yaml: <top level>: expected a mapping" in str(load_error(tmp_path))


def test_id_must_match_file_stem(tmp_path: Path) -> None:
    write_scenario(tmp_path, valid_scenario_data(id="real-id"), file_name="other-name.yaml")

    assert "other-name.yaml: id: 'real-id' must equal the file stem 'other-name'" in str(
        load_error(tmp_path)
    )


def test_duplicate_ids_name_every_file_involved(tmp_path: Path) -> None:
    write_scenario(tmp_path, valid_scenario_data(id="twin"), file_name="twin.yaml")
    write_scenario(tmp_path, valid_scenario_data(id="twin"), file_name="twin.yml")

    error = load_error(tmp_path)

    assert sorted((issue.file, issue.location) for issue in error.issues) == [
        ("twin.yaml", "id"),
        ("twin.yml", "id"),
    ]
    assert "twin.yaml: id: duplicate id 'twin', also in twin.yml" in str(error)


def test_every_broken_file_is_reported_in_one_error(tmp_path: Path) -> None:
    write_scenario(tmp_path, valid_scenario_data(id="fine"))
    write_scenario(tmp_path, valid_scenario_data(id="bad-intensity", intensity=9))
    write_scenario(tmp_path, valid_scenario_data(id="bad-emotion", emotion="glee"))

    error = load_error(tmp_path)

    assert {issue.file for issue in error.issues} == {"bad-intensity.yaml", "bad-emotion.yaml"}


@pytest.mark.parametrize("make_directory", [False, True], ids=["missing", "empty"])
def test_missing_or_empty_directory_is_an_error(tmp_path: Path, make_directory: bool) -> None:
    directory = tmp_path / "scenarios"
    if make_directory:
        directory.mkdir()

    assert load_error(directory).issues[0].location == "<directory>"


def test_get_returns_the_scenario_with_that_id(library: ScenarioLibrary) -> None:
    first = library.all()[0]

    assert library.get(first.id) is first
    assert first.id in library


def test_get_unknown_id_raises_a_clear_error_with_suggestions(library: ScenarioLibrary) -> None:
    known = library.all()[0].id

    with pytest.raises(UnknownScenarioError) as caught:
        library.get(known + "x")

    assert not isinstance(caught.value, KeyError)
    assert caught.value.scenario_id == known + "x"
    assert f"did you mean {known}" in str(caught.value)


def test_all_is_sorted_by_id(library: ScenarioLibrary) -> None:
    ids = [scenario.id for scenario in library.all()]

    assert ids == sorted(ids)
    assert len(library) == len(ids)


def test_by_dimension_returns_exactly_the_scenarios_training_it(library: ScenarioLibrary) -> None:
    selected = library.by_dimension("boundaries")

    assert selected
    assert all("boundaries" in scenario.dimensions for scenario in selected)
    assert set(library.all()) - set(selected) == {
        scenario for scenario in library.all() if "boundaries" not in scenario.dimensions
    }


def test_by_dimension_rejects_unknown_dimension(library: ScenarioLibrary) -> None:
    with pytest.raises(ValueError, match="unknown dimension 'empathy'"):
        library.by_dimension("empathy")  # type: ignore[arg-type]  # a typo from untyped callers


def test_for_channels_filters_by_any_of_the_channels(library: ScenarioLibrary) -> None:
    selected = library.for_channels([Channel.SMS, Channel.VOICE])

    assert {scenario.channel for scenario in selected} == {Channel.SMS, Channel.VOICE}
    assert len(selected) == sum(
        1 for scenario in library.all() if scenario.channel in (Channel.SMS, Channel.VOICE)
    )


def test_for_channels_accepts_a_single_channel_and_plain_strings(library: ScenarioLibrary) -> None:
    from_settings = cast(list[Channel], ["email"])  # plain strings, as read from config

    assert library.for_channels(Channel.EMAIL) == library.for_channels(from_settings)
    assert library.for_channels(Channel.EMAIL)


def test_for_channels_rejects_unknown_channel(library: ScenarioLibrary) -> None:
    with pytest.raises(ValueError, match="fax"):
        library.for_channels(cast(list[Channel], ["fax"]))


def test_library_refuses_duplicate_ids() -> None:
    scenario = Scenario.model_validate(valid_scenario_data())

    with pytest.raises(ValueError, match="duplicate scenario id 'sample-scenario'"):
        ScenarioLibrary([scenario, scenario])
