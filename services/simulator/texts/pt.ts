import type { Phrasebook } from './types.ts';

export const pt: Phrasebook = {
  customer: {
    question: [
      'Olá! O {product} é compatível com Android?',
      'A que horas fecha a loja de {city} hoje?',
      'Como ativo a garantia do {product}?',
    ],
    technical_issue: [
      'A app {brand} fecha sozinha sempre que abro o carrinho',
      'O meu {product} não liga depois da atualização 😩',
      'Não consigo entrar desde ontem, dá "erro 500"',
    ],
    order: [
      'Encomenda {order} ainda não chegou depois de {days} dias, onde está?',
      'Cobraram duas vezes a encomenda {order}!!',
      'Devolvi há {days} dias e o reembolso não chega',
    ],
    pre_purchase: [
      'Estou a pensar comprar o {product}, quanto dura a bateria?',
      'Dá para pagar em prestações o {product}?',
      'Há o {product} em preto?',
    ],
    complaint: [
      'Apoio ao cliente péssimo. {days} dias à espera. Vergonha',
      'Nunca mais compro na {brand}',
      'O meu {product} avariou em duas semanas. Dinheiro deitado fora 😡',
    ],
    praise: [
      'O {product} é incrível, adoro ❤️',
      'Obrigado {brand}! Entrega super rápida',
      'Apoio top, resolveram em 5 minutos 👍',
    ],
    spam: ['Ganhe 500€ por dia em casa!!! Fala comigo 💰', 'SIGAM @{handle} para seguidores grátis 🔥'],
    abuse: ['São uns ladrões e burlões', 'Incompetentes, quem vos contratou??'],
    other: ['Quem vai ao concerto {brand} em {city}? 🎶', 'Que anúncio giro!'],
  },
  nudge: ['??', 'Olá?', 'Ainda sem resposta...', 'Continuo à espera 🙄'],
  thanks: ['Muito obrigado, resolvido!', 'Perfeito, obrigado 🙏', 'Tudo bem agora, obrigado'],
  unhappy: ['Não ajudaram nada', 'Resposta automática, obrigado por nada'],
  followUp: ['E quanto tempo falta?', 'Ok, e o reembolso?', 'Feito, e agora?'],
  reopen: ['Desculpem mas o problema voltou', 'Outra vez o mesmo erro 😤'],
  editTail: [' (EDIT: erros)', ' EDIT: encomenda {order}'],
  crisis: {
    outage: ['App {brand} em baixo outra vez?? #{brand}down', 'Nada funciona desde manhã, {brand} o que se passa?'],
    delivery_delays: ['Encomendas paradas há uma semana, {brand} que vergonha', 'Atrasos para todos e ninguém avisa'],
    price_increase: ['Aumento de 20% sem avisar? Vou cancelar', 'Adeus {brand}, caro demais'],
    data_breach: [
      'Recebo emails de phishing com a minha encomenda, perderam os nossos dados??',
      'Fuga de dados e nenhum comunicado. Vergonha',
    ],
    bad_campaign: ['Este anúncio é ofensivo, retirem-no', 'Quem aprovou este anúncio? Vergonhoso'],
  },
  brand: {
    reply: {
      question: ['Olá! Sim, é compatível 🙂', 'Olá, enviámos-lhe mensagem privada com a informação.'],
      technical_issue: [
        'Olá, lamentamos! Reinicie a app e envie-nos mensagem privada.',
        'Olá, estamos a verificar. Pode dizer-nos a versão da app?',
      ],
      order: [
        'Olá, pedimos desculpa pelo atraso! Envie-nos o número da encomenda em privado.',
        'Olá, a sua encomenda é entregue amanhã.',
      ],
      pre_purchase: ['Olá! A bateria dura cerca de dois dias 🔋', 'Olá, sim: 3 prestações sem juros.'],
      complaint: [
        'Lamentamos muito. Envie-nos mensagem privada para resolvermos.',
        'Olá, compreendemos a sua frustração. Vamos contactá-lo.',
      ],
      praise: ['Muito obrigado! ❤️', 'Que bom ler isto, obrigado! 😊'],
      other: ['Obrigado pelo comentário! 😊'],
    },
    crisis: [
      'Olá, temos conhecimento do problema e estamos a trabalhar nele.',
      'Pedimos desculpa: a equipa técnica está a resolver.',
    ],
    followUp: ['Olá, faltam 2-3 dias úteis.', 'Sim, basta o email de confirmação.'],
    escalated: ['Olá, sou da equipa especializada: ficámos com o seu caso.'],
    bot: ['Obrigado pela mensagem! Um assistente responderá em breve.'],
  },
  slang: ['kkk', 'tipo', 'bué', 'mano', 'fixe'],
};
