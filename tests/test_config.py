"""Composing the Hydra config: every option, typed fields, range checks."""

from pathlib import Path

import pytest
from hydra.errors import ConfigCompositionException
from omegaconf.errors import ValidationError

from actlab import activations, config, data
from actlab.run import compose

CONF = Path(config.__file__).parent.parent / "conf"


def _options(group: str) -> list[str]:
    return sorted(path.stem for path in (CONF / group).glob("*.yaml"))


def test_default_config_is_valid():
    cfg = compose()
    config.check(cfg)
    assert cfg.activation.name == "relu"
    assert cfg.model.name == "mlp"
    assert cfg.data.name == "digits"
    assert cfg.optimizer.name == "adam"


# Activations that change the feature width cannot be hidden activations.
WIDTH_CHANGING = {"glu"}


@pytest.mark.parametrize("name", activations.available())
def test_every_activation_is_an_option(name):
    cfg = compose([f"activation={name}"])
    assert cfg.activation.name == name
    expected = activations.spec(name).defaults()
    assert config.activation_hyperparameters(cfg) == expected
    if name in WIDTH_CHANGING:
        with pytest.raises(config.ConfigError, match="changes the feature width"):
            config.check(cfg)
    else:
        config.check(cfg)


@pytest.mark.parametrize("name", _options("data"))
def test_every_data_option_is_registered(name):
    cfg = compose([f"data={name}"])
    config.check(cfg)
    assert cfg.data.name == name


def test_every_registered_data_set_has_an_option():
    assert sorted(data.available()) == _options("data")


@pytest.mark.parametrize("group", ["model", "optimizer", "trainer"])
def test_every_option_composes_and_checks(group):
    for option in _options(group):
        cfg = compose([f"{group}={option}"])
        config.check(cfg)


def test_wrong_type_fails_while_composing():
    with pytest.raises(ConfigCompositionException) as info:
        compose(["trainer.epochs=abc"])
    assert isinstance(info.value.__cause__, ValidationError)


def test_wrong_hyperparameter_type_fails_while_composing():
    with pytest.raises(ConfigCompositionException):
        compose(["activation=elu", "activation.alpha=abc"])


def test_unknown_hyperparameter_fails_while_composing():
    with pytest.raises(ConfigCompositionException):
        compose(["activation=relu", "activation.alpha=1.0"])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["activation=elu", "activation.alpha=0"], "activation=elu: alpha=0.0"),
        (["activation.name=elux"], "unknown activation 'elux'; available:"),
        (["data.name=nope"], "unknown data set 'nope'; available:"),
        (["model.hidden_sizes=[]"], r"model.hidden_sizes=\[\] is invalid"),
        (["model.hidden_sizes=[8,0]"], r"model.hidden_sizes=\[8, 0\] is invalid"),
        (["model.kernel_init=zeros"], "model.kernel_init='zeros' is invalid"),
        (["model.name=resnet"], "model.name='resnet' is invalid; available: mlp"),
        (["optimizer.lr=-1"], "optimizer.lr=-1.0 is invalid"),
        (["optimizer.name=lion"], "optimizer.name='lion' is invalid"),
        (["trainer.batch_size=0"], "trainer.batch_size=0 is invalid"),
        (["seed=-1"], "seed=-1 is invalid"),
        (["num_seeds=0"], "num_seeds=0 is invalid"),
        (["seed=4294967295", "num_seeds=2"], "last replica's seed 4294967296"),
        (["+trainer.epoch=1"], "trainer.epoch is not a config field"),
        (["+data.nme=wine"], "data.nme is not a config field"),
        (["+epochs=1"], "epochs is not a config field"),
        (["layer_activations=[relu]"], "it has 1 entries, but model=mlp has 2"),
        (["layer_activations=[relu,glu]"], "changes the feature width"),
        (["layer_activations=[relu,relux]"], "unknown activation 'relux'"),
        (
            ["model=cnn", "layer_activations=[relu,tanh]"],
            "it has 2 entries, but model=cnn has 3 hidden layers",
        ),
        (
            ["activation=rrelu", "activation.lower=0.5", "activation.upper=0.1"],
            "activation=rrelu: .*lower must be at most upper",
        ),
        (
            ["activation=prelu", "model=rnn"],
            "activation=prelu is learnable, but model=rnn takes only",
        ),
        (
            ["model=rnn", "model.num_layers=2", "layer_activations=[tanh,rational]"],
            "activation=rational is learnable, but model=rnn takes only",
        ),
    ],
)
def test_invalid_value_names_it(overrides, message):
    with pytest.raises(config.ConfigError, match=message):
        config.check(compose(overrides))
