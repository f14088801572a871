"""A MobileNetV2-shaped network (our own compact definition, random weights).

Standard MobileNetV2 structure -- 3x3 stride-2 stem, inverted residual blocks
(1x1 expand -> 3x3 depthwise -> 1x1 linear projection, residual Add when the
shape is unchanged), ReLU6, a final 1x1 conv, global average pooling and a
classifier -- with width multiplier 0.5, a 512-wide last conv (instead of
1280) and 100 classes, so the FP32 file stays around 1.5 MB.
"""

import torch
from torch import nn

# (expansion t, output channels c, repeats n, first stride s), as in the paper
SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
            (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def divisible(v, divisor=8):
    """Round channels to a multiple of 8, never going below 90% of v."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def conv_bn(cin, cout, k, stride, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6())
    return layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:
            layers += conv_bn(cin, hidden, 1, 1)                        # expand
        layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)    # depthwise
        layers += conv_bn(hidden, cout, 1, 1, act=False)               # linear projection
        self.block = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return x + y if self.residual else y


class MobileNetV2Like(nn.Module):
    def __init__(self, width=0.5, last_channel=512, num_classes=100):
        super().__init__()
        cin = divisible(32 * width)
        layers = conv_bn(3, cin, 3, 2)
        for t, c, n, s in SETTINGS:
            cout = divisible(c * width)
            for i in range(n):
                layers.append(InvertedResidual(cin, cout, s if i == 0 else 1, t))
                cin = cout
        layers += conv_bn(cin, last_channel, 1, 1)
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(last_channel, num_classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def randomize(model, gen):
    """Seeded random weights that keep activations at a useful scale.

    He-normal (fan_in) conv weights keep the signal from shrinking layer by
    layer, so the logits really depend on the input (PyTorch's default init
    would give nearly constant outputs after 17 blocks).  BN gets non-trivial
    statistics so that folding it actually changes the conv weights.
    """
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.weight[0].numel()
                m.weight.normal_(0.0, (2.0 / fan_in) ** 0.5, generator=gen)
            elif isinstance(m, nn.Linear):
                m.weight.normal_(0.0, (1.0 / m.in_features) ** 0.5, generator=gen)
                m.bias.uniform_(-0.1, 0.1, generator=gen)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.2, 0.2, generator=gen)
                m.running_mean.uniform_(-0.1, 0.1, generator=gen)
                m.running_var.uniform_(0.5, 1.5, generator=gen)
